import { describe, expect, it } from 'vitest';
import { defineConfig } from '../config.ts';
import { configForCopy } from './run.ts';

const command = (file: string) => ({ kind: 'command' as const, command: 'node', args: [file], healthPath: '/h' });

describe('configForCopy', () => {
  it("starts the copy's own workers (mutation.workers) with the copy's extra env, so a guard in the worker is mutated too", () => {
    const config = defineConfig({
      target: { start: command('/orig/main.js'), workers: { start: { kind: 'command', command: 'node', args: ['/orig/worker.js'] }, count: 2 } },
      providers: {},
      mutation: {
        root: '.',
        start: (dir) => command(`${dir}/main.js`),
        workers: (dir) => ({ start: { kind: 'command', command: 'node', args: [`${dir}/worker.js`], env: { A: '1' } }, count: 2 }),
      },
    });

    const copy = configForCopy(config, '/copy', { B: '2' });

    expect(copy.target.workers).toEqual({ start: { kind: 'command', command: 'node', args: ['/copy/worker.js'], env: { A: '1', B: '2' } }, count: 2 });
    expect(copy.target.start).toMatchObject({ args: ['/copy/main.js'], env: { B: '2' } });
  });

  it('keeps the original workers when the config says nothing about them for mutants', () => {
    const workers = { start: { kind: 'command' as const, command: 'node', args: ['/orig/worker.js'] } };
    const config = defineConfig({ target: { start: command('/orig/main.js'), workers }, providers: {}, mutation: { root: '.', start: (dir) => command(`${dir}/main.js`) } });
    expect(configForCopy(config, '/copy').target.workers).toEqual(workers);
  });
});
