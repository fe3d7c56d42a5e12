/**
 * Shopee signs a push over the callback URL the merchant registered, not over the URL the push
 * happens to reach. A target that verifies against its configured callback URL (as a service
 * behind a load balancer or tunnel does) must accept every replayed push, redeliveries included,
 * when `providers.shopee.callbackUrl` names that URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { replaySchedule } from '../../replay/replay.ts';
import { cleanSchedule, type Schedule } from '../../schedule/schedule.ts';
import { readTape } from '../../tape/read.ts';
import { shopeePush } from './push.ts';

const REGISTERED_URL = 'https://shop.example.my/hooks/shopee?shop=727720655';
const PARTNER_KEY = 'shpk_test_4f1c2a9e';
const TAPE = fileURLToPath(new URL('../../../fixtures/tapes/shopee.jsonl', import.meta.url));

/** A target that checks `Authorization` over its fixed callback URL, with node:crypto only. */
async function fixedUrlTarget(): Promise<{ baseUrl: string; statuses: number[]; close: () => Promise<void> }> {
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const expected = createHmac('sha256', PARTNER_KEY).update(`${REGISTERED_URL}|`).update(Buffer.concat(chunks)).digest();
      const given = Buffer.from(String(req.headers.authorization ?? ''), 'hex');
      const status = given.length === expected.length && timingSafeEqual(given, expected) ? 200 : 401;
      statuses.push(status);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const targets: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

describe('providers.shopee.callbackUrl', () => {
  const replay = async (secrets: Record<string, string>) => {
    const tape = await readTape(TAPE);
    const target = await fixedUrlTarget();
    targets.push(target);
    const clean = cleanSchedule(tape.exchanges.length);
    // Every push once, then each of the first five again (a redelivery carries a new timestamp).
    const schedule: Schedule = { steps: [...clean.steps, ...clean.steps.slice(0, 5)] };
    const outcomes = await replaySchedule(schedule, {
      tape,
      providers: () => shopeePush,
      baseUrl: target.baseUrl,
      endpoints: { shopee: '/webhooks/shopee' },
      secrets: { shopee: secrets },
      redeliveryRounds: 0,
    });
    return { tape, outcomes, statuses: target.statuses };
  };

  it('signs every push, redeliveries included, over the configured callback URL', async () => {
    const { tape, outcomes, statuses } = await replay({ partnerKey: PARTNER_KEY, callbackUrl: REGISTERED_URL });
    expect(statuses).toHaveLength(tape.exchanges.length + 5);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(outcomes.filter((o) => o.attempt === 2)).toHaveLength(5);
  });

  it('signs over the replay URL when no callback URL is configured (the target then refuses)', async () => {
    const { statuses } = await replay({ partnerKey: PARTNER_KEY });
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 401)).toBe(true);
  });
});
