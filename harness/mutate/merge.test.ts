import { describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { shardOf } from '../runner/shard.ts';
import { mergeMatrixResults, parseMatrixFile, type MatrixShardFile } from './merge.ts';
import { matrixExitCode, type CleanResult, type MatrixResult, type MutantResult } from './result.ts';

const mutant = (id: string, status: MutantResult['status'] = 'killed'): MutantResult => ({
  id,
  operator: 'marked',
  guard: id,
  file: 'src/app.ts',
  line: 10,
  description: `delete guard ${id}`,
  status,
  seconds: 2,
  schedules: 4,
  ...(status === 'killed' ? { scenario: 'stripe', invariants: ['credited-amount'], shrunkLength: 3, replayCommand: `npx idemgate mutate --mutant ${id}` } : {}),
});

const PLAN = ['a', 'b', 'c', 'd', 'e'];
const CLEAN: CleanResult = { status: 'passed', seconds: 6, schedules: 20 };
const SETTINGS: MatrixResult['settings'] = {
  runs: 10,
  rounds: 2,
  seed: 1,
  operators: ['marked'],
  timeoutS: 120,
  timeoutKills: false,
  concurrency: 2,
  database: 'pglite',
  scenarios: ['stripe'],
};

/** What shard i of n writes (the planned mutants, cut in parts; every shard ran the clean target). */
function shardFile(index: number, count: number, tweak: (r: MatrixResult) => void = () => {}, status: (id: string) => MutantResult['status'] = () => 'killed'): MatrixShardFile {
  const result: MatrixResult = {
    clean: { ...CLEAN },
    mutants: shardOf(PLAN, { index, count }).map((id) => mutant(id, status(id))),
    settings: { ...SETTINGS, timeoutS: 100 + index },
    wallSeconds: 10 * index,
    shard: { index, count, planned: PLAN },
  };
  tweak(result);
  return { source: `shard-${index}/mutation.json`, result };
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isIdemgateError(e, 'REPORTS_INVALID')) return e.message;
    throw e;
  }
  throw new Error('expected REPORTS_INVALID');
};

describe('mergeMatrixResults', () => {
  it('puts every planned mutant back once, in plan order, with the clean run counted once', () => {
    const merged = mergeMatrixResults([shardFile(2, 3), shardFile(3, 3), shardFile(1, 3)]);
    expect(merged.mutants.map((m) => m.id)).toEqual(PLAN);
    expect(merged.clean).toEqual(CLEAN);
    expect(merged.settings).toEqual({ ...SETTINGS, timeoutS: 103 });
    expect(merged.wallSeconds).toBe(30);
    expect(merged.shard).toBeUndefined();
    expect(matrixExitCode(merged)).toBe(0);
  });

  it('a survivor on one shard fails the merged matrix, as unsharded', () => {
    const merged = mergeMatrixResults([1, 2].map((i) => shardFile(i, 2, undefined, (id) => (id === 'd' ? 'survived' : 'killed'))));
    expect(merged.mutants.find((m) => m.id === 'd')?.status).toBe('survived');
    expect(matrixExitCode(merged)).toBe(1);
  });

  it('merges shards past the mutant count as empty', () => {
    const merged = mergeMatrixResults([1, 2, 3, 4, 5, 6, 7].map((i) => shardFile(i, 7)));
    expect(merged.mutants.map((m) => m.id)).toEqual(PLAN);
  });

  it('when the unmutated target failed on a shard, no mutant counts (as unsharded, where none would have run)', () => {
    const failing = (r: MatrixResult): void => {
      r.clean = { status: 'failed', seconds: 3, schedules: 7, scenario: 'stripe', invariants: ['credited-amount'] };
      r.mutants = [];
    };
    const merged = mergeMatrixResults([shardFile(1, 2), shardFile(2, 2, failing)]);
    expect(merged.clean.status).toBe('failed');
    expect(merged.mutants).toEqual([]);
    expect(matrixExitCode(merged)).toBe(1);
  });

  it('refuses matrices that are not shards of one plan', () => {
    expect(errorOf(() => mergeMatrixResults([shardFile(1, 2), shardFile(2, 2, (r) => (r.settings.seed = 9))]))).toBe(
      'shard-2/mutation.json (shard 2/2) has mutation setting seed 9, but shard-1/mutation.json (shard 1/2) has 1: these are not shards of one run',
    );
    expect(errorOf(() => mergeMatrixResults([shardFile(1, 2), shardFile(2, 2, (r) => (r.shard!.planned = ['a', 'b']))]))).toMatch(/has the planned mutants \["a","b"\]/);
    expect(errorOf(() => mergeMatrixResults([shardFile(1, 2)]))).toMatch(/^shard 2\/2 is missing/);
    expect(errorOf(() => mergeMatrixResults([shardFile(1, 2), shardFile(2, 2, (r) => r.mutants.pop())]))).toBe(
      "shard-2/mutation.json (shard 2/2) holds mutants b, but that shard's share of the plan is b, d",
    );
    expect(errorOf(() => mergeMatrixResults([shardFile(1, 2, (r) => delete r.shard)]))).toContain('is not a shard\'s mutation.json');
  });
});

describe('parseMatrixFile', () => {
  it('reads what writeMatrixReports writes, and names the file and field otherwise', () => {
    const { result } = shardFile(1, 2);
    expect(parseMatrixFile(JSON.stringify({ format: 'idemgate-mutation', version: 1, ...result }), 'm.json')).toEqual(result);
    expect(() => parseMatrixFile(JSON.stringify(result), 'm.json')).toThrow(/^m\.json is not an idemgate mutation\.json: format: /);
    expect(() => parseMatrixFile('nope', 'm.json')).toThrow(/^m\.json is not JSON/);
  });
});
