import { describe, expect, it } from 'vitest';
import { passedResult } from './_testing/sample-report.ts';
import { summarise } from '../runner/verdict.ts';
import { formatResult, formatSummary } from './console.ts';

describe('console summary', () => {
  it('lists the unmodelled events once, after the totals', () => {
    const unmodelled = ['stripe event type customer.created'];
    const text = formatSummary(summarise([{ ...passedResult(), unmodelled }, { ...passedResult(), unmodelled }], 1000));
    expect(text.split('\n').at(-1)).toBe('  unmodelled (replayed with no expected effect or status): stripe event type customer.created');
    expect(formatSummary(summarise([passedResult()], 1000))).not.toContain('unmodelled');
  });

  it('says how many expected effects were excused, and never on a result without any', () => {
    expect(formatResult({ ...passedResult(), excusedEffects: 3 }).join('\n')).toContain('excused: 3 expected effect(s)');
    expect(formatResult(passedResult()).join('\n')).not.toContain('excused');
  });
});
