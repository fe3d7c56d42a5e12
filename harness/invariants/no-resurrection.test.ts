import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../providers/provider.ts';
import { createEntityReader } from './ledger-reader.ts';
import { noResurrection } from './no-resurrection.ts';
import { violationsOf } from './_testing/violations.ts';
import { contextFor, debitCreditJournal, useTestLedgerDb } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

const sub = (id: string, status: string, time: number, terminal = false): ProviderEvent => ({
  provider: 'stripe',
  identity: `evt_${id}_${time}`,
  entity: { entity: id, status, rank: 1, time, ...(terminal ? { terminal: true as const } : {}) },
});
const entities = (providers?: Record<string, string>) =>
  createEntityReader(testDb(), {
    table: 'shop_orders',
    columns: { provider: 'src', entity: 'order_no', status: 'state' },
    statusMap: { stripe: { paying: 'active' } },
    ...(providers ? { providers } : {}),
  });

describe('noResurrection', () => {
  it('names an entity stored non-terminal although its latest terminal event is later than every event with that status', async () => {
    await testDb().exec(`insert into shop_orders values ('stripe', 'sub_1', 'paying'), ('stripe', 'sub_2', 'canceled')`);
    const events = [sub('sub_1', 'active', 1000), sub('sub_1', 'canceled', 2000, true), sub('sub_2', 'active', 1000), sub('sub_2', 'canceled', 2000, true)];
    const ctx = await contextFor(testDb(), debitCreditJournal, { events, entities: await entities() });

    const violations = await violationsOf(noResurrection, ctx);

    expect(violations.map((v) => v.message)).toEqual([
      'stripe entity sub_1 is stored as active, but it ended canceled at 1970-01-01T00:00:02.000Z and no later event says active',
    ]);
    expect(violations[0]!.evidence).toContainEqual({ delivered: 'evt_sub_1_2000', status: 'canceled', terminal: true, time: 2000 });
  });

  it('holds when a later event moved the entity on again, or nothing terminal was delivered', async () => {
    await testDb().exec(`insert into shop_orders values ('stripe', 'cs_1', 'open'), ('stripe', 'sub_3', 'active')`);
    const events = [sub('cs_1', 'expired', 1000, true), sub('cs_1', 'open', 1000), sub('sub_3', 'active', 1000), sub('sub_3', 'past_due', 2000)];
    const ctx = await contextFor(testDb(), debitCreditJournal, { events, entities: await entities() });
    // cs_1: an event in the same second may be the later one; sub_3 is final-status's business.
    expect(await violationsOf(noResurrection, ctx)).toEqual([]);
  });

  it("judges only the entities the mapping's providers scope covers", async () => {
    await testDb().exec(`insert into shop_orders values ('stripe', 'in_1', 'open')`);
    const events = [sub('in_1', 'open', 1000), sub('in_1', 'void', 2000, true)];
    const outside = await contextFor(testDb(), debitCreditJournal, { events, entities: await entities({ stripe: '^sub_' }) });
    expect(await violationsOf(noResurrection, outside)).toEqual([]);
    const inside = await contextFor(testDb(), debitCreditJournal, { events, entities: await entities({ stripe: '' }) });
    expect(await violationsOf(noResurrection, inside)).toHaveLength(1);
  });

  it('needs the entity mapping', () => {
    expect(noResurrection.requires).toEqual(['entities']);
  });
});
