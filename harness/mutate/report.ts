import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seconds } from '../_internals/format.ts';
import { isKilled, ranMutants, type MatrixResult, type MutantResult } from './result.ts';
import { maskDeep } from '../_internals/mask.ts';

const STATUS_LABEL: Record<MutantResult['status'], string> = {
  killed: 'killed',
  survived: 'SURVIVED',
  'timed-out': 'timed out',
  errored: 'ERRORED',
  ignored: 'ignored',
};

interface Row {
  mutant: string;
  operator: string;
  where: string;
  status: string;
  invariant: string;
  shrunk: string;
  seconds: string;
}

function rows(result: MatrixResult): Row[] {
  return result.mutants.map((m) => ({
    mutant: m.id,
    operator: m.operator,
    where: `${m.file}:${m.line}`,
    status: STATUS_LABEL[m.status],
    invariant:
      m.status === 'killed'
        ? `${(m.invariants ?? []).join(', ')} (${m.scenario})`
        : m.status === 'errored'
          ? (m.error ?? '').split('\n')[0]!.slice(0, 80)
          : m.status === 'ignored'
            ? `config: ${m.reason ?? ''}`
            : '',
    shrunk: m.shrunkLength === undefined ? '' : String(m.shrunkLength),
    seconds: seconds(m.seconds, { unit: false }),
  }));
}

const HEADERS: Row = { mutant: 'guard / mutant', operator: 'operator', where: 'file:line', status: 'result', invariant: 'invariant (scenario)', shrunk: 'shrunk', seconds: 's' };
const COLUMNS = Object.keys(HEADERS) as (keyof Row)[];

function summaryLines(result: MatrixResult): string[] {
  const { settings, clean } = result;
  const mutants = ranMutants(result);
  const ignored = result.mutants.length - mutants.length;
  const killed = mutants.filter((m) => isKilled(m, settings.timeoutKills)).length;
  const count = (s: MutantResult['status']): number => mutants.filter((m) => m.status === s).length;
  const lines = [
    `clean target: ${clean.status}${clean.status === 'passed' ? '' : ` — ${clean.message ?? `${clean.scenario}: ${(clean.invariants ?? []).join(', ')}`}`} (${clean.schedules} schedules${(clean.copies ?? 1) > 1 ? ` on ${clean.copies} copies` : ''}, ${seconds(clean.seconds)})`,
    `mutants: ${mutants.length}, killed ${killed}${mutants.length === 0 ? '' : ` (${Math.round((killed / mutants.length) * 100)}%)`}, survived ${count('survived')}, timed out ${count('timed-out')}${settings.timeoutKills ? ' (count as killed)' : ''}, errored ${count('errored')}${ignored === 0 ? '' : `; ${ignored} ignored by the config (not run)`}`,
    `runs ${settings.runs} per scenario in ${settings.rounds} round(s), seed ${settings.seed}, ${settings.database}, ${settings.concurrency} at once, wall time ${seconds(result.wallSeconds)}`,
  ];
  if (result.interrupted !== undefined) {
    lines.unshift(`INTERRUPTED by ${result.interrupted}: the matrix stopped before it was done, so it proves nothing (the mutants that had not finished are not listed)`);
  } else if (mutants.length === 0) {
    lines.push(
      `nothing was mutated: ${
        result.mutants.length > 0
          ? 'every mutant is ignored by the config'
          : (result.shard?.planned.length ?? 0) > 0
            ? `none of the ${result.shard!.planned.length} planned mutant(s) fell to this shard`
            : 'no guard or operator site gave a mutant (check mutation.sources, the operators and the idemgate-guard markers)'
      }, so the matrix proves nothing (exit 2)`,
    );
  }
  for (const m of mutants.filter((x) => x.status === 'survived')) {
    lines.push(`no scenario protects ${m.guard === m.id ? `guard ${m.guard}` : `${m.id} (${m.description})`}`);
  }
  return lines;
}

/** The kill matrix as a plain-text table for a terminal. */
export function formatMatrix(result: MatrixResult): string {
  const table = [HEADERS, ...rows(result)];
  const widths = COLUMNS.map((c) => Math.max(...table.map((r) => r[c].length)));
  const line = (r: Row): string => COLUMNS.map((c, i) => r[c].padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line), '', ...summaryLines(result)].join('\n');
}

/** The kill matrix as Markdown (reports/mutation.md). */
export function matrixMarkdown(result: MatrixResult): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const out = [
    '# idemgate mutation matrix',
    '',
    ...summaryLines(result).map((l) => `- ${l}`),
    '',
    `| ${COLUMNS.map((c) => HEADERS[c]).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows(result).map((r) => `| ${COLUMNS.map((c) => esc(c === 'mutant' ? `\`${r[c]}\`` : r[c])).join(' | ')} |`),
    '',
  ];
  return out.join('\n');
}

/** Writes `mutation.json` and `mutation.md` into the reports folder; returns their paths. */
export async function writeMatrixReports(reportsDir: string, result: MatrixResult): Promise<{ json: string; markdown: string }> {
  await mkdir(reportsDir, { recursive: true });
  const json = join(reportsDir, 'mutation.json');
  const markdown = join(reportsDir, 'mutation.md');
  const masked = maskDeep(result);
  await writeFile(json, `${JSON.stringify({ format: 'idemgate-mutation', version: 1, ...masked }, null, 2)}\n`, 'utf8');
  await writeFile(markdown, matrixMarkdown(masked), 'utf8');
  return { json, markdown };
}
