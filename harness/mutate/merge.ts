/**
 * Merging the mutation.json files of a matrix split with `--shard i/n` into the matrix the
 * unsharded run would have written: every planned mutant once, in plan order, and the unmutated
 * target's result counted once (every shard ran it; it is the same run).
 */
import { z } from 'zod';
import type { Assert, Same } from '../_internals/same-type.ts';
import { IdemgateError } from '../errors.ts';
import { completeShardSet, sameSetting, shardLabel, shardOf, type ShardPart } from '../runner/shard.ts';
import { mutationOperatorSchema } from './config.ts';
import type { MatrixResult } from './result.ts';
import { parseReportFile } from '../_internals/parse-json.ts';

const count = z.int().min(0);
const seconds = z.number().min(0);

const mutantResultSchema = z.strictObject({
  id: z.string().min(1),
  operator: mutationOperatorSchema,
  guard: z.string(),
  file: z.string(),
  line: z.int(),
  description: z.string(),
  status: z.enum(['killed', 'survived', 'timed-out', 'errored', 'ignored']),
  scenario: z.string().optional(),
  invariants: z.array(z.string()).optional(),
  shrunkLength: count.optional(),
  replayCommand: z.string().optional(),
  seconds,
  schedules: count,
  error: z.string().optional(),
  reason: z.string().optional(),
});

const matrixResultSchema = z.strictObject({
  clean: z.strictObject({
    status: z.enum(['passed', 'failed', 'errored']),
    seconds,
    schedules: count,
    copies: z.int().min(1).optional(),
    scenario: z.string().optional(),
    invariants: z.array(z.string()).optional(),
    message: z.string().optional(),
  }),
  mutants: z.array(mutantResultSchema),
  settings: z.strictObject({
    runs: z.int().min(1),
    rounds: z.int().min(1),
    seed: z.int(),
    operators: z.array(mutationOperatorSchema),
    timeoutS: seconds,
    timeoutKills: z.boolean(),
    concurrency: z.int().min(1),
    database: z.enum(['pglite', 'postgres']),
    scenarios: z.array(z.string()),
  }),
  wallSeconds: seconds,
  shard: z.strictObject({ index: z.int().min(1), count: z.int().min(1), planned: z.array(z.string()) }).optional(),
  interrupted: z.string().optional(),
});

type _MatrixSchemaMatchesResult = Assert<Same<z.infer<typeof matrixResultSchema>, MatrixResult>>;

/** mutation.json: the matrix with its format tag (what `writeMatrixReports` writes). */
const matrixFileSchema = matrixResultSchema.extend({ format: z.literal('idemgate-mutation'), version: z.literal(1) });

/** Reads one mutation.json; a file that is not one is REPORTS_INVALID naming it and the first bad field. */
export function parseMatrixFile(text: string, source: string): MatrixResult {
  const { format: _format, version: _version, ...result } = parseReportFile(text, source, matrixFileSchema, 'an idemgate mutation.json');
  return result;
}

export interface MatrixShardFile {
  /** The file read, for messages. */
  source: string;
  result: MatrixResult;
}

/**
 * The matrix of the whole plan from its shards. Throws REPORTS_INVALID when they are not the
 * shards of one split matrix: a file without a shard, a shard missing or given twice, different
 * settings or plans, or a shard holding other mutants than its share.
 */
export function mergeMatrixResults(files: readonly MatrixShardFile[]): MatrixResult {
  const parts = files.map((f): MatrixShardFile & ShardPart => {
    if (f.result.shard === undefined) {
      throw new IdemgateError('REPORTS_INVALID', `${f.source} is not a shard's mutation.json (it has no "shard": it was written without --shard i/n)`, {
        details: { file: f.source },
      });
    }
    if (f.result.interrupted !== undefined) {
      throw new IdemgateError('REPORTS_INVALID', `${f.source} is a shard stopped by ${f.result.interrupted} before it was done: run that shard again`, { details: { file: f.source } });
    }
    return { ...f, shard: f.result.shard };
  });
  const shards = completeShardSet(parts);
  const { runs, rounds, seed, operators, timeoutKills, database, scenarios } = shards[0]!.result.settings;
  const settings = { runs, rounds, seed, operators, timeoutKills, database, scenarios };
  for (const key of Object.keys(settings) as (keyof typeof settings)[]) sameSetting(shards, `mutation setting ${key}`, (p) => p.result.settings[key]);
  sameSetting(shards, 'the planned mutants', (p) => p.result.shard!.planned);

  const planned = shards[0]!.result.shard!.planned;
  const byId = new Map<string, MatrixResult['mutants'][number]>();
  for (const p of shards) {
    if (p.result.clean.status !== 'passed') continue;
    const share = shardOf(planned, p.shard);
    const ran = p.result.mutants.map((m) => m.id);
    if (JSON.stringify(ran) !== JSON.stringify(share)) {
      throw new IdemgateError(
        'REPORTS_INVALID',
        `${p.source} (shard ${shardLabel(p.shard)}) holds mutants ${ran.join(', ') || '(none)'}, but that shard's share of the plan is ${share.join(', ') || '(none)'}`,
        { details: { file: p.source } },
      );
    }
    for (const m of p.result.mutants) byId.set(m.id, m);
  }
  // As unsharded: the unmutated target must pass; if it did not on some shard, no mutant counts.
  const failing = shards.find((p) => p.result.clean.status !== 'passed');
  const clean = (failing ?? shards[0]!).result.clean;
  const first = shards[0]!.result;
  return {
    clean,
    mutants: failing === undefined ? planned.map((id) => byId.get(id)!) : [],
    settings: { ...first.settings, timeoutS: Math.max(...shards.map((p) => p.result.settings.timeoutS)) },
    wallSeconds: Math.max(...shards.map((p) => p.result.wallSeconds)),
  };
}
