import { request } from 'undici';
import { maskSecrets } from '../_internals/mask.ts';
import type { Database } from '../db/database.ts';
import { IdemgateError } from '../errors.ts';
import type { TargetStores } from '../stores/index.ts';
import type { QuiescenceProbe, QuietAnswer } from './types.ts';
import type { RunnableProbe } from './wait.ts';

export interface ProbeContext {
  database: Database;
  /** The target's base URL (known once it started). */
  baseUrl: () => string;
  /** The session's stores; required by a `queues` probe. */
  stores: TargetStores | undefined;
  /** Per HTTP poll. */
  requestTimeoutMs: number;
}

const truthy = (v: unknown): boolean => v === true || v === 't' || v === 'true' || v === 1 || v === '1';

/** The runnable form of each configured probe; CONFIG_INVALID for a `queues` probe with no queues to read. */
export function createProbes(probes: readonly QuiescenceProbe[], ctx: ProbeContext): RunnableProbe[] {
  return probes.map((probe, i): RunnableProbe => {
    switch (probe.kind) {
      case 'queues': {
        const stores = ctx.stores;
        if (stores === undefined || !stores.hasQueues) {
          throw new IdemgateError('CONFIG_INVALID', `target.quiescence.probes[${i}] waits for BullMQ queues, but no Redis store in target.stores lists queues`, {
            details: { path: `target.quiescence.probes.${i}` },
          });
        }
        return {
          name: `BullMQ queues ${probe.queues?.join(', ') ?? 'of target.stores'}`,
          async poll() {
            const counts = await stores.queueCounts(probe.queues);
            const busy = counts.filter((c) => Object.values(c.counts).some((n) => n > 0));
            const show = (c: (typeof counts)[number]): string =>
              `${c.queue}: ${Object.entries(c.counts).map(([state, n]) => `${state} ${n}`).join(', ')}`;
            return { quiet: busy.length === 0, detail: (busy.length > 0 ? busy : counts).map(show).join('; ') };
          },
        };
      }
      case 'sql':
        return {
          name: `SQL ${probe.query.replace(/\s+/g, ' ').trim()}`,
          async poll() {
            const rows = await ctx.database.query(probe.query);
            const first = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
            return { quiet: truthy(first), detail: rows[0] === undefined ? 'no row' : JSON.stringify(first) };
          },
        };
      case 'http': {
        const url = (): string => (probe.url.startsWith('/') ? `${ctx.baseUrl().replace(/\/+$/, '')}${probe.url}` : probe.url);
        return {
          name: `GET ${maskSecrets(probe.url)}`,
          async poll() {
            const res = await request(url(), { method: 'GET', signal: AbortSignal.timeout(ctx.requestTimeoutMs) });
            const body = (await res.body.text()).slice(0, 200);
            return { quiet: res.statusCode >= 200 && res.statusCode < 300, detail: `${res.statusCode}${body === '' ? '' : ` ${body}`}` };
          },
        };
      }
      case 'function':
        return {
          name: `function ${probe.name ?? (probe.check.name || `probes[${i}]`)}`,
          async poll(): Promise<QuietAnswer> {
            const answer = await probe.check({ database: ctx.database, baseUrl: ctx.baseUrl() });
            return typeof answer === 'boolean' ? { quiet: answer, detail: String(answer) } : answer;
          },
        };
    }
  });
}
