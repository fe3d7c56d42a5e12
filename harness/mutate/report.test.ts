import { describe, expect, it } from 'vitest';
import { formatMatrix, matrixMarkdown } from './report.ts';
import { matrixExitCode, type MatrixResult, type MutantResult } from './result.ts';

const mutant = (over: Partial<MutantResult>): MutantResult => ({
  id: 'g',
  operator: 'marked',
  guard: 'g',
  file: 'src/h.ts',
  line: 3,
  description: 'delete guard region g',
  status: 'killed',
  seconds: 1.5,
  schedules: 4,
  ...over,
});

const matrix = (mutants: MutantResult[], over: Partial<MatrixResult> = {}): MatrixResult => ({
  clean: { status: 'passed', seconds: 2, schedules: 10 },
  mutants,
  settings: { runs: 5, rounds: 1, seed: 1, operators: ['marked'], timeoutS: 120, timeoutKills: false, concurrency: 2, database: 'pglite', scenarios: ['s'] },
  wallSeconds: 9,
  ...over,
});

describe('matrixExitCode', () => {
  it('is 0 only when every mutant is killed and the clean target passed', () => {
    expect(matrixExitCode(matrix([mutant({})]))).toBe(0);
    expect(matrixExitCode(matrix([mutant({}), mutant({ id: 'h', status: 'survived' })]))).toBe(1);
    expect(matrixExitCode(matrix([], { clean: { status: 'failed', seconds: 1, schedules: 1, scenario: 's' } }))).toBe(1);
    expect(matrixExitCode(matrix([mutant({ status: 'errored', error: 'boom' })]))).toBe(2);
  });

  it('is 2 when no mutant ran: a matrix that tested nothing is never green', () => {
    expect(matrixExitCode(matrix([]))).toBe(2);
    expect(matrixExitCode(matrix([mutant({ status: 'ignored', reason: 'crash only' })]))).toBe(2);
    // A failing unmutated target still says so first.
    expect(matrixExitCode(matrix([], { clean: { status: 'failed', seconds: 1, schedules: 1, scenario: 's' } }))).toBe(1);
  });

  it('leaves ignored mutants out: neither killed nor survived', () => {
    expect(matrixExitCode(matrix([mutant({}), mutant({ id: 'h', status: 'ignored', reason: 'crash only' })]))).toBe(0);
    expect(matrixExitCode(matrix([mutant({ status: 'survived' }), mutant({ id: 'h', status: 'ignored', reason: 'crash only' })]))).toBe(1);
  });

  it('counts a timed-out mutant as killed only with timeoutKills', () => {
    const timedOut = [mutant({ status: 'timed-out' })];
    expect(matrixExitCode(matrix(timedOut))).toBe(1);
    const settings = { ...matrix([]).settings, timeoutKills: true };
    expect(matrixExitCode(matrix(timedOut, { settings }))).toBe(0);
  });
});

describe('formatMatrix', () => {
  it('says that nothing was mutated when no mutant ran, with no kill rate', () => {
    const text = formatMatrix(matrix([]));
    expect(text).toContain('nothing was mutated');
    expect(text).not.toMatch(/100%/);
  });


  it('prints one row per mutant and names the guard no scenario protects', () => {
    const result = matrix([
      mutant({ invariants: ['exactly-once-effect'], scenario: 'stripe', shrunkLength: 2 }),
      mutant({ id: 'refund-cap', guard: 'refund-cap', status: 'survived', line: 9 }),
    ]);

    const text = formatMatrix(result);

    expect(text).toMatch(/^g\s+marked\s+src\/h\.ts:3\s+killed\s+exactly-once-effect \(stripe\)\s+2\s+1\.5$/m);
    expect(text).toMatch(/^refund-cap\s+marked\s+src\/h\.ts:9\s+SURVIVED/m);
    expect(text).toContain('mutants: 2, killed 1 (50%), survived 1');
    expect(text).toContain('no scenario protects guard refund-cap');
    expect(matrixMarkdown(result)).toContain('| `refund-cap` | marked | src/h.ts:9 | SURVIVED |');
  });

  it('lists an ignored mutant with the config’s reason, outside the kill rate', () => {
    const text = formatMatrix(matrix([mutant({}), mutant({ id: 'lock-expiry', guard: 'lock-expiry', status: 'ignored', reason: 'needs a crash' })]));
    expect(text).toMatch(/^lock-expiry\s+marked\s+src\/h\.ts:3\s+ignored\s+config: needs a crash/m);
    expect(text).toContain('mutants: 1, killed 1 (100%), survived 0, timed out 0, errored 0; 1 ignored by the config (not run)');
  });
});
