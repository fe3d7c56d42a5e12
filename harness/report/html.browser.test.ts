import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedResult, passedResult, erroredResult, sampleReport } from './_testing/sample-report.ts';
import { writeReports } from './write.ts';

/** Debian's chromium package; the test is skipped (with the reason printed) where it is not installed. */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`html.browser.test: skipped, ${CHROMIUM} not found (apt-get install -y chromium)`);
const ARTIFACT = resolve(import.meta.dirname, '../../reports/artifacts/report.png');

describe.skipIf(!available)('index.html in headless Chromium', () => {
  let browser: BrowserContext;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idemgate-html-'));
    // A new, empty profile: playwright passes it as --user-data-dir.
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the verdict, the failure’s timeline and ledger diff, runs no injected script, loads nothing from the network', async () => {
    const hostile = failedResult([{ invariant: 'final-status', message: '<script>window.pwned = 1</script> ORD-7 stuck at UNPAID', evidence: [] }]);
    await writeReports(join(dir, 'reports'), sampleReport([passedResult(), hostile, erroredResult()]));
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(dir, 'reports', 'index.html')).href);

    await expect(page.locator('#verdict').textContent()).resolves.toContain('ERRORED');
    await expect(page.locator('table.scenarios tbody tr').count()).resolves.toBe(3);

    const failure = page.locator('section.failure');
    await expect(failure.count()).resolves.toBe(1);
    const timeline = failure.locator('svg.timeline');
    expect(await timeline.isVisible()).toBe(true);
    const box = await timeline.boundingBox();
    expect(box!.height).toBeGreaterThan(300);
    await expect(timeline.locator('g.delivery').count()).resolves.toBe(8);
    await expect(timeline.locator('g.par').getAttribute('data-width')).resolves.toBe('3');
    await expect(timeline.locator('g.delivery.aborted').count()).resolves.toBe(1);
    await expect(timeline.locator('g.delivery.redelivery').count()).resolves.toBe(1);
    await expect(timeline.locator('text', { hasText: 'ack lost: aborted after 40 ms' }).count()).resolves.toBe(1);

    const diff = failure.locator('table.ledger-diff tbody tr');
    await expect(diff.count()).resolves.toBe(4);
    await expect(failure.locator('table.ledger-diff tr.actual').first().textContent()).resolves.toContain('ORD-7');
    await expect(failure.locator('table.ledger-diff tr.expected').first().textContent()).resolves.toContain('fpx_clearing');
    await expect(failure.locator('pre[id^="replay-"]').textContent()).resolves.toBe(
      'npx idemgate run --scenario shopee-fpx-races --seed 1234567 --path "41:2:0:1"',
    );

    // The injected script is text on the page, not code that ran.
    await expect(page.evaluate(() => (globalThis as { pwned?: number }).pwned)).resolves.toBeUndefined();
    await expect(failure.locator('ul.broken').textContent()).resolves.toContain('<script>window.pwned = 1</script>');
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);

    await mkdir(resolve(ARTIFACT, '..'), { recursive: true });
    await page.screenshot({ path: ARTIFACT, fullPage: true });
    expect((await stat(ARTIFACT)).size).toBeGreaterThan(10_000);
    await page.close();
  }, 60_000);
});
