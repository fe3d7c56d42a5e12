import { describe, expect, it } from 'vitest';
import { violationsOf } from './_testing/violations.ts';
import { judge } from './index.ts';
import type { ProviderEvent } from '../providers/provider.ts';
import { finalStatus } from './final-status.ts';
import { createEntityReader } from './ledger-reader.ts';
import { contextFor, debitCreditJournal, useTestLedgerDb } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

const status = (provider: string, entity: string, s: string, rank: number, time: number): ProviderEvent => ({
  provider,
  identity: `${provider}:${entity}:${s}:${time}`,
  entity: { entity, status: s, rank, time },
});

const events = [
  status('shopee', 'O1', 'READY_TO_SHIP', 1, 1000),
  status('shopee', 'O1', 'COMPLETED', 5, 3000),
  status('shopee', 'O1', 'SHIPPED', 3, 2000),
  status('fpx', 'S1', 'pending', 1, 1000),
  status('fpx', 'S1', 'approved', 2, 2000),
  status('stripe', 'pi_1', 'succeeded', 3, 2000),
  status('stripe', 'pi_1', 'processing', 1, 1000),
];

const entities = () =>
  createEntityReader(testDb(), {
    table: 'shop_orders',
    columns: { provider: 'src', entity: 'order_no', status: 'state' },
    statusMap: { fpx: { '00': 'approved', '09': 'pending' } },
  });

describe('finalStatus', () => {
  it('holds when every entity is stored with its highest-ranked status (mapped, any case)', async () => {
    await testDb().exec(
      `insert into shop_orders values ('shopee', 'O1', 'completed'), ('FPX', 'S1', '00'), ('stripe', 'pi_1', 'succeeded'), ('stripe', 'pi_other', 'processing')`,
    );
    const ctx = await contextFor(testDb(), debitCreditJournal, { events, entities: await entities() });
    expect(await violationsOf(finalStatus, ctx)).toEqual([]);
  });

  it('names an entity a late, lower-ranked event moved backwards', async () => {
    await testDb().exec(
      `insert into shop_orders values ('shopee', 'O1', 'SHIPPED'), ('fpx', 'S1', '00'), ('stripe', 'pi_1', 'succeeded')`,
    );
    const ctx = await contextFor(testDb(), debitCreditJournal, { events, entities: await entities() });

    const violations = await violationsOf(finalStatus, ctx);

    expect(violations.map((v) => v.message)).toEqual([
      'shopee entity O1 is stored as SHIPPED, expected COMPLETED (the highest-ranked status delivered; equal ranks: the latest by event time)',
    ]);
    expect(violations[0]!.evidence).toContainEqual({ stored: 'SHIPPED', provider: 'shopee', entity: 'O1' });
    expect(violations[0]!.evidence).toContainEqual({
      delivered: 'shopee:O1:COMPLETED:3000',
      status: 'COMPLETED',
      rank: 5,
      time: 3000,
    });
  });

  it('names an entity the target never stored', async () => {
    await testDb().exec(`insert into shop_orders values ('shopee', 'O1', 'COMPLETED'), ('fpx', 'S1', 'approved')`);
    const ctx = await contextFor(testDb(), debitCreditJournal, { events, entities: await entities() });
    expect((await violationsOf(finalStatus, ctx)).map((v) => v.message)).toEqual([
      'stripe entity pi_1 has no stored status, expected succeeded',
    ]);
  });

  it("judges only the providers (and entity ids) the mapping's providers scope names: the others are not applicable, not missing", async () => {
    await testDb().exec(`insert into shop_orders values ('shopee', 'O1', 'COMPLETED'), ('stripe', 'sub_1', 'active')`);
    const scoped = await createEntityReader(testDb(), {
      table: 'shop_orders',
      columns: { provider: 'src', entity: 'order_no', status: 'state' },
      providers: { shopee: '', stripe: '^sub_' },
    });
    const withSub = [...events, status('stripe', 'sub_1', 'canceled', 1, 1000), status('stripe', 'sub_1', 'active', 1, 2000)];
    const ctx = await contextFor(testDb(), debitCreditJournal, { events: withSub, entities: scoped });
    // fpx has no mapping and pi_1 is outside ^sub_: neither is reported missing.
    expect(await violationsOf(finalStatus, ctx)).toEqual([]);
    expect(scoped.covers?.('fpx', 'S1')).toBe(false);
    expect(scoped.covers?.('stripe', 'pi_1')).toBe(false);
    expect(scoped.covers?.('STRIPE', 'sub_1')).toBe(true);
    await testDb().exec(`update shop_orders set state = 'canceled' where order_no = 'sub_1'`);
    expect((await violationsOf(finalStatus, ctx)).map((v) => v.message)).toEqual([
      'stripe entity sub_1 is stored as canceled, expected active (the highest-ranked status delivered; equal ranks: the latest by event time)',
    ]);
  });

  it('judges nothing without an entity mapping, or when no delivered event sets a status', async () => {
    const ctx = await contextFor(testDb(), debitCreditJournal, { events });
    expect(await judge(finalStatus, ctx)).toEqual({ judged: 0, violations: [] });
    const mapped = await contextFor(testDb(), debitCreditJournal, { events: [], entities: await entities() });
    expect(await judge(finalStatus, mapped)).toEqual({ judged: 0, violations: [] });
    const judged = await judge(finalStatus, await contextFor(testDb(), debitCreditJournal, { events, entities: await entities() }));
    expect(judged.judged).toBe(3);
  });
});
