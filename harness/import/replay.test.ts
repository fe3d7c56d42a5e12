/**
 * Issue 11's done-when: an import of a Stripe events list made of Stripe-shaped objects replays
 * with no error. The events are the builders' full objects (every key of each type, null where
 * Stripe sends null), listed as the Events API pages them; the tape the importer writes is
 * replayed by the engine against the bundled reference service, under delivery faults.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatResult } from '../report/console.ts';
import { deliveryFaults } from '../faults/index.ts';
import { loadConfig } from '../runner/load.ts';
import { loadScenarioTape, runScenario } from '../runner/run-scenario.ts';
import { defineScenario } from '../runner/scenario.ts';
import { openSession, type Session } from '../runner/session.ts';
import { summarise } from '../runner/verdict.ts';
import { importTraffic } from './import-traffic.ts';
import { eventsListPages, stripeShapedEvents } from './testdata/stripe-events.ts';

const rootDir = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'idemgate-import-replay-'));
let session: Session | undefined;
afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an imported Stripe events list', () => {
  it('replays against the reference service with no error, and passes', async () => {
    // Arrange: three overlapping Events API pages of Stripe-shaped events, imported with the reference config.
    const { config } = await loadConfig(join(rootDir, 'idemgate.config.ts'), 'native');
    const pages = eventsListPages(stripeShapedEvents(), 30, 5).map((page, i) => {
      const file = join(dir, `events-${i + 1}.json`);
      writeFileSync(file, JSON.stringify(page, null, 2));
      return file;
    });
    const out = join(dir, 'incident.jsonl');
    const summary = await importTraffic({ kind: 'stripe-events', files: pages, out, config });
    expect(summary).toMatchObject({ exchanges: 75, overlapsDropped: 10, unmodelled: {} });

    // Act: a scenario on the imported tape, as a scenario file would define it.
    const scenario = defineScenario({ name: 'imported-stripe-events', description: 'an imported Events API list', tapes: [out], faults: deliveryFaults(), runs: 3 });
    session = await openSession({ config, rootDir, tapes: [await loadScenarioTape(scenario, rootDir)] });
    const result = await runScenario(session, scenario, { runs: 3, seed: 20261203 });

    // Assert
    expect(result.status, formatResult(result).join('\n')).toBe('passed');
    expect(result.unmodelled).toBeUndefined();
    expect(summarise([result], 0).verdict).toBe('passed');
  });
});
