import { describe, expect, it } from 'vitest';
import type { IdemgateConfig } from '../../config.ts';
import type { TargetStart } from '../../targets/types.ts';
import { SCHEDULES_PER_WORKER, workersFor } from '../suite.ts';

const configWith = (start: TargetStart): IdemgateConfig =>
  ({ target: { start }, providers: {}, ledger: { table: 'l', columns: {} } }) as unknown as IdemgateConfig;

const inProcess: TargetStart = { kind: 'in-process', start: async () => ({ baseUrl: 'http://127.0.0.1:1', stop: async () => {} }) };

describe('workersFor', () => {
  it('gives as many executors as asked when there is work for each', () => {
    expect(workersFor(configWith(inProcess), 2, 1000)).toEqual({ count: 2 });
    expect(workersFor(configWith({ kind: 'command', command: 'svc', healthPath: '/h' }), 4, 1000)).toEqual({ count: 4 });
  });

  it('runs one executor for a target at a URL or on a fixed port, saying why', () => {
    expect(workersFor(configWith({ kind: 'url', baseUrl: 'http://127.0.0.1:3000' }), 4, 1000)).toMatchObject({ count: 1, reason: expect.stringContaining('URL') });
    expect(workersFor(configWith({ kind: 'command', command: 'svc', healthPath: '/h', port: 3000 }), 4, 1000)).toMatchObject({
      count: 1,
      reason: expect.stringContaining('fixed port 3000'),
    });
  });

  it('starts no more workers than the schedules keep busy', () => {
    expect(workersFor(configWith(inProcess), 8, SCHEDULES_PER_WORKER * 2)).toMatchObject({ count: 2 });
    expect(workersFor(configWith(inProcess), 8, 5)).toMatchObject({ count: 1 });
    expect(workersFor(configWith(inProcess), 1, 1000)).toEqual({ count: 1 });
  });
});
