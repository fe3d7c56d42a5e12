/**
 * How fast `idemgate import stripe-events` turns an Events API export into a tape: 100,000
 * Stripe-shaped events (the generated Stripe traffic's full objects, cloned with fresh event ids
 * and spread over time) as 1,000 list pages of 100, newest first, as the Events API pages them.
 * Generating the pages is not timed; reading, ordering, checking every event with its adapter,
 * writing the tape and reading it back is. Prints events per second; compare side by side, since
 * absolute figures vary 2–3× with machine load. Usage:
 *   npx tsx bench/import.ts [events]      # default 100000
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatImportSummary, importTraffic } from '../harness/import/import-traffic.ts';
import { eventsListPages, stripeShapedEvents } from '../harness/import/testdata/stripe-events.ts';

const count = Number(process.argv[2] ?? 100_000);
const PAGE = 100;

const base = stripeShapedEvents();
const events: Record<string, unknown>[] = [];
for (let copy = 0; events.length < count; copy++) {
  for (const event of base) {
    if (events.length === count) break;
    // Each copy a day later, its own ids: as many payments as the count asks for, in order of creation.
    events.push({ ...event, id: `${event['id'] as string}_${copy}`, created: (event['created'] as number) + copy * 86_400 });
  }
}
const dir = mkdtempSync(join(tmpdir(), 'idemgate-bench-import-'));
try {
  const files = eventsListPages(events, PAGE).map((page, i) => {
    const file = join(dir, `events-${String(i + 1).padStart(4, '0')}.json`);
    writeFileSync(file, JSON.stringify(page, null, 2));
    return file;
  });
  const inputBytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const out = join(dir, 'tape.jsonl');
  const start = performance.now();
  const summary = await importTraffic({ kind: 'stripe-events', files, out });
  const seconds = (performance.now() - start) / 1000;
  console.log(formatImportSummary({ ...summary, out: 'tape.jsonl' }));
  console.log(
    `${summary.exchanges.toLocaleString('en-US')} Stripe events from ${files.length} pages (${(inputBytes / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s: ` +
      `${Math.round(summary.exchanges / seconds).toLocaleString('en-US')} events/s (tape ${(statSync(out).size / 1e6).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
