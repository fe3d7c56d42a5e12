import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../runner/scenario.ts';
import { scenarioTapes } from './samples.ts';

const rootDir = resolve(import.meta.dirname, '../..');

describe('scenarioTapes', () => {
  it('reads the recorded tape files and passes over tapes made from the config (clientApis:<name>)', async () => {
    const scenarios = [{ tapes: ['clientApis:payments-api?entities=2', 'fixtures/tapes/stripe.jsonl'] }] as unknown as Scenario[];
    const tapes = await scenarioTapes(scenarios, rootDir);
    expect(tapes.map((t) => t.label)).toEqual([expect.stringMatching(/fixtures\/tapes\/stripe\.jsonl$/)]);
  });
});
