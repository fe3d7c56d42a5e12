import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../faults/edits.ts';
import { cleanSchedule } from '../schedule/schedule.ts';
import { failedResult, passedResult, sampleReport, sampleShard } from './_testing/sample-report.ts';
import { RESULTS_SCHEMA_FILE, resultsJsonSchemaText, runReportSchema } from './results-schema.ts';

const committed = await readFile(RESULTS_SCHEMA_FILE, 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(committed) as object);

describe('results.schema.json', () => {
  it('is the one generated from the zod schema (regenerate with `npm run schema`)', () => {
    expect(committed).toBe(resultsJsonSchemaText());
  });

  it('accepts what the runner writes: every fault edit kind, delivery delays, extension draws', () => {
    const r = failedResult();
    const edits = [
      { kind: 'race', at: 0, with: 1 },
      { kind: 'overtake', exchange: 3, before: 1 },
      { kind: 'lost-ack', at: 2, abortAfterMs: 40, redeliverAfter: 0, redeliverDelayMs: 900_000 },
      { kind: 'duplicate', at: 1, gap: 0 },
      { kind: 'reorder', at: 0, offset: 2 },
    ] as const;
    r.counterexample.draw = { groups: ['fpx:FPX-123'], edits: [...edits], extensions: { upstream: { faults: [{ at: 0, kind: 'timeout' }] } } };
    r.counterexample.schedule = applyEdits(cleanSchedule(4), r.counterexample.draw.edits);
    expect(JSON.stringify(r.counterexample.schedule)).toContain('"delayMs":900000');
    const json = JSON.parse(JSON.stringify(sampleReport([r]))) as unknown;

    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(runReportSchema.safeParse(json).success).toBe(true);
  });

  it("accepts a shard's report and a merged one, and rejects a shard numbered from 0", () => {
    const shard = JSON.parse(JSON.stringify({ ...sampleReport([passedResult()]), shard: sampleShard(1, 2) })) as { shard: { index: number } };
    expect(validate(shard), JSON.stringify(validate.errors)).toBe(true);
    const merged = { ...sampleReport(), merged: { count: 2, shards: [{ index: 1, scenarios: ['a'], wallMs: 5 }, { index: 2, scenarios: [], wallMs: 0 }] } };
    expect(validate(JSON.parse(JSON.stringify(merged))), JSON.stringify(validate.errors)).toBe(true);
    shard.shard.index = 0;
    expect(validate(shard)).toBe(false);
  });

  it('rejects an edit kind the schedule does not know', () => {
    const r = failedResult();
    const json = JSON.parse(JSON.stringify(sampleReport([r]))) as { results: { counterexample: { draw: { edits: unknown[] } } }[] };
    json.results[0]!.counterexample.draw.edits.push({ kind: 'teleport', at: 0 });
    expect(validate(json)).toBe(false);
  });
});
