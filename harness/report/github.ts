import { violationsByInvariant } from './details.ts';
import { ghData, ghProperty } from './escape.ts';
import { harnessErrorText, type RunReport } from './model.ts';

const MAX_MESSAGE = 2000;

/**
 * `::error` workflow commands: one per broken invariant of a failed scenario, one per errored
 * scenario, one when nothing ran. Each carries the replay command so the annotation alone is enough.
 */
export function githubAnnotations(report: RunReport): string[] {
  const lines: string[] = [];
  const error = (title: string, message: string) => {
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
    lines.push(`::error title=${ghProperty(title)}::${ghData(text)}`);
  };
  if (report.summary.verdict === 'nothing-ran') error('idemgate: nothing ran', 'no scenario was run; the gate cannot pass on an empty run');
  for (const r of report.results) {
    if (r.status === 'errored') {
      error(`idemgate: ${r.scenario} could not run`, harnessErrorText(r.error));
      continue;
    }
    if (r.status !== 'failed') continue;
    for (const [invariant, violations] of violationsByInvariant(r.counterexample.violations)) {
      const messages = violations.map((v) => v.message);
      error(
        `idemgate: ${r.scenario} broke ${invariant}`,
        [...messages.slice(0, 5), ...(messages.length > 5 ? [`… ${messages.length - 5} more`] : []), `replay: ${r.replayCommand}`].join('\n'),
      );
    }
  }
  return lines;
}
