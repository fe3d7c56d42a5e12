/** One line of `idemgate doctor`: what was checked, how it went, and what to do about it. */
export interface Check {
  /** What was checked: `env`, `target`, a provider name, `ledger`, `entities`. */
  name: string;
  /** `note`: nothing wrong, but worth knowing; `skip`: not checked (an earlier check failed or nothing to check). */
  status: 'ok' | 'fail' | 'note' | 'skip';
  summary: string;
  /** For a failure: the concrete change that fixes it. */
  fix?: string;
  /** Further lines (a response body, the last output of the target). */
  detail?: string[];
}

const LABEL: Record<Check['status'], string> = { ok: 'ok', fail: 'FAIL', note: 'note', skip: 'skip' };

/** A check as the console shows it: `  ok    stripe    genuine delivery accepted …`, then `fix:` and detail lines. */
export function formatCheck(check: Check, width = 12): string[] {
  const lines = [`  ${LABEL[check.status].padEnd(5)} ${check.name.padEnd(width)} ${check.summary}`];
  const indent = ' '.repeat(9 + width);
  for (const d of check.detail ?? []) lines.push(`${indent}${d}`);
  if (check.fix !== undefined) lines.push(`${indent}fix: ${check.fix}`);
  return lines;
}

/** The bottom line: every check ok, or how many failed, and how long it all took. */
export function formatVerdict(checks: readonly Check[], ms: number): string {
  const time = `${(ms / 1000).toFixed(1)} s`;
  const failed = checks.filter((c) => c.status === 'fail').length;
  const counted = checks.filter((c) => c.status === 'ok' || c.status === 'fail').length;
  if (failed === 0) return `idemgate doctor: all ${counted} checks ok (${time})`;
  return `idemgate doctor: ${failed} of ${counted} checks FAILED (${time}): fix what the FAIL lines say, then run idemgate doctor again`;
}

export const ok = (name: string, summary: string, detail?: string[]): Check => ({ name, status: 'ok', summary, ...(detail ? { detail } : {}) });
export const fail = (name: string, summary: string, fix: string, detail?: string[]): Check => ({
  name,
  status: 'fail',
  summary,
  fix,
  ...(detail ? { detail } : {}),
});
export const note = (name: string, summary: string): Check => ({ name, status: 'note', summary });
export const skip = (name: string, summary: string): Check => ({ name, status: 'skip', summary });
