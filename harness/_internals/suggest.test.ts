import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and a swapped pair as one edit each', () => {
    expect(editDistance('run', 'run')).toBe(0);
    expect(editDistance('rnu', 'run')).toBe(1);
    expect(editDistance('rn', 'run')).toBe(1);
    expect(editDistance('runs', 'run')).toBe(1);
    expect(editDistance('gat', 'gate')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closest', () => {
  const commands = ['run', 'gate', 'list', 'mutate', 'init', 'merge-reports', 'fpx-file'];
  it('finds the command a typo meant, and nothing for an unrelated word', () => {
    expect(closest('rnu', commands)).toBe('run');
    expect(closest('mutat', commands)).toBe('mutate');
    expect(closest('merge-report', commands)).toBe('merge-reports');
    expect(closest('GATE', commands)).toBe('gate');
    expect(closest('deploy', commands)).toBeUndefined();
    expect(closest('x', commands)).toBeUndefined();
  });

  it('words the suggestion for a message', () => {
    expect(didYouMean('runz', ['runs', 'seed'], (w) => `--${w}`)).toBe('; did you mean --runs?');
    expect(didYouMean('zzzz', ['runs'])).toBe('');
  });
});
