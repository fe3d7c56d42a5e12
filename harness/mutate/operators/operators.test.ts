import { describe, expect, it } from 'vitest';
import { typeErrors } from '../_testing/type-check.ts';
import type { Mutant } from '../mutant.ts';
import { earlyReturnMutants } from './early-return.ts';
import { forUpdateMutants } from './for-update.ts';
import { collectMutants, parseOperators } from './index.ts';
import { onConflictMutants } from './on-conflict.ts';
import { statusConditionMutants } from './status-condition.ts';
import { transactionMutants } from './transaction.ts';
import { uniqueMutants } from './unique.ts';

const src = (...lines: string[]): string => `${lines.join('\n')}\n`;
const applied = (m: Mutant, text: string): string => {
  expect(m.changes).toHaveLength(1);
  return m.changes[0]!.apply(text);
};

/** The original type-checks, and so does every mutant; returns the mutants' texts. */
function mutate(text: string, make: (s: { path: string; text: string }) => Mutant[]): { mutants: Mutant[]; texts: string[] } {
  expect(typeErrors(text)).toEqual([]);
  const mutants = make({ path: 'src/h.ts', text });
  const texts = mutants.map((m) => applied(m, text));
  for (const t of texts) expect(typeErrors(t)).toEqual([]);
  return { mutants, texts };
}

const dedupe = src(
  'export async function handle(key: string): Promise<string> {',
  '  const firstSeen = await db',
  '    .insert(events)',
  '    .values({ key })',
  '    .onConflictDoNothing()',
  '    .returning({ id: events.id });',
  '  if (firstSeen.length === 0) return "dup";',
  '  await db.insert(orders).values({ key }).onConflictDoUpdate({ set: { key } });',
  '  return "ok";',
  '}',
);

describe('on-conflict', () => {
  it('removes each .onConflictDo…() link of an insert chain, and only it', () => {
    const { mutants, texts } = mutate(dedupe, onConflictMutants);

    expect(mutants.map((m) => [m.id, m.guard])).toEqual([
      ['on-conflict@src/h.ts:5', '.onConflictDoNothing()'],
      ['on-conflict@src/h.ts:8', '.onConflictDoUpdate()'],
    ]);
    expect(texts[0]).toBe(dedupe.replace('    .onConflictDoNothing()\n', ''));
    expect(texts[1]).toBe(dedupe.replace('.onConflictDoUpdate({ set: { key } })', ''));
  });

  it('removes ON CONFLICT … DO NOTHING from SQL in a template literal', () => {
    const text = src(
      'export async function mark(key: string): Promise<void> {',
      '  await db.execute(sql`insert into processed_events (event_key) values (${key}) on conflict (event_key) do nothing`);',
      '}',
    );
    const { mutants, texts } = mutate(text, onConflictMutants);

    expect(mutants).toHaveLength(1);
    expect(mutants[0]).toMatchObject({ line: 2, guard: 'ON CONFLICT DO NOTHING' });
    expect(texts[0]).toBe(text.replace(' on conflict (event_key) do nothing', ''));
  });
});

describe('for-update', () => {
  const text = src(
    'export async function refund(ref: string): Promise<number> {',
    '  const rows = await db.select().from(orders).where(eq(orders.ref, ref)).for("update");',
    '  const shared = await db.select().from(orders).for("share");',
    '  await db.execute(sql`select * from orders where ref = ${ref} FOR UPDATE`);',
    '  return rows.length + shared.length;',
    '}',
  );

  it("removes .for('update') and SQL FOR UPDATE but leaves a share lock", () => {
    const { mutants, texts } = mutate(text, forUpdateMutants);

    expect(mutants.map((m) => m.line)).toEqual([2, 4]);
    expect(texts[0]).toBe(text.replace('.for("update")', ''));
    expect(texts[1]).toBe(text.replace(' FOR UPDATE', ''));
  });
});

describe('unique', () => {
  const text = src(
    'export const t = pgTable(',
    '  "processed_events",',
    '  { key: text("key").notNull(), provider: text("provider").notNull().unique(), note: text("note") },',
    '  (c) => [',
    '    uniqueIndex("events_key_uq").on(c.key!),',
    '    index("events_note_idx").on(c.note!),',
    '    unique("events_pair_uq").on(c.key!, c.provider!),',
    '  ],',
    ');',
  );

  it('removes a column .unique() and each unique()/uniqueIndex() entry, never a plain index', () => {
    const { mutants, texts } = mutate(text, uniqueMutants);

    expect(mutants.map((m) => [m.line, m.guard])).toEqual([
      [3, 'processed_events column .unique()'],
      [5, 'processed_events uniqueIndex events_key_uq'],
      [7, 'processed_events unique events_pair_uq'],
    ]);
    expect(texts[0]).toBe(text.replace('.notNull().unique()', '.notNull()'));
    expect(texts[1]).toBe(text.replace('    uniqueIndex("events_key_uq").on(c.key!),\n', ''));
    expect(texts[2]).toBe(text.replace('    unique("events_pair_uq").on(c.key!, c.provider!),\n', ''));
  });

  it('takes the comma before the last element when there is no trailing comma', () => {
    const oneLine = src('export const t = pgTable("t", { a: text("a") }, (c) => [index("i").on(c.a!), uniqueIndex("u").on(c.a!)]);');
    const { texts } = mutate(oneLine, uniqueMutants);

    expect(texts).toEqual([oneLine.replace(', uniqueIndex("u").on(c.a!)', '')]);
  });
});

describe('transaction', () => {
  const text = src(
    'export async function handle(key: string): Promise<string> {',
    '  return db.transaction(async (tx) => {',
    '    const seen = await tx.insert(events).values({ key }).returning();',
    '    if (seen.length === 0) return "dup";',
    '    await post(tx);',
    '    const ctx = { tx };',
    '    await post(ctx.tx);',
    '    return "ok";',
    '  });',
    '}',
  );

  it('runs the body on db directly, every use of tx renamed', () => {
    const { mutants, texts } = mutate(text, transactionMutants);

    expect(mutants).toHaveLength(1);
    expect(mutants[0]).toMatchObject({ line: 2, guard: 'db.transaction(…)' });
    expect(texts[0]).toBe(
      src(
        'export async function handle(key: string): Promise<string> {',
        '  return (async () => {',
        '    const seen = await db.insert(events).values({ key }).returning();',
        '    if (seen.length === 0) return "dup";',
        '    await post(db);',
        '    const ctx = { tx: db };',
        '    await post(ctx.tx);',
        '    return "ok";',
        '  })();',
        '}',
      ),
    );
  });
});

describe('early-return', () => {
  it('removes the return that tests a lookup made just before it', () => {
    const { mutants, texts } = mutate(dedupe, earlyReturnMutants);

    expect(mutants.map((m) => [m.line, m.guard])).toEqual([[7, 'if (firstSeen.length === 0) return']]);
    expect(texts[0]).toBe(dedupe.replace('  if (firstSeen.length === 0) return "dup";\n', ''));
  });

  it('leaves returns that do not follow a lookup, or do not test its result', () => {
    const text = src(
      'export async function handle(key: string, flag: boolean): Promise<string> {',
      '  if (key === "") return "empty";',
      '  const rows = await db.select().from(orders);',
      '  if (flag) return "flagged";',
      '  const claimed = await db.update(orders).set({ key }).returning();',
      '  if (claimed.length === 0) {',
      '    return "claimed before";',
      '  }',
      '  return String(rows.length);',
      '}',
    );
    const { mutants, texts } = mutate(text, earlyReturnMutants);

    expect(mutants.map((m) => m.line)).toEqual([6]);
    expect(texts[0]).toBe(text.replace('  if (claimed.length === 0) {\n    return "claimed before";\n  }\n', ''));
  });
});

describe('status-condition', () => {
  const text = src(
    'export async function move(ref: string, rank: number, time: number): Promise<void> {',
    '  await db',
    '    .update(orders)',
    '    .set({ rank })',
    '    .where(',
    '      and(',
    '        eq(orders.ref, ref),',
    '        or(lt(orders.statusRank, rank), and(eq(orders.statusRank, rank), lt(orders.statusTime, time))),',
    '      ),',
    '    );',
    '  await db.update(orders).set({}).where(and(eq(orders.ref, ref), ne(orders.status, "succeeded")));',
    '  await db.update(orders).set({}).where(and(eq(orders.ref, ref), gte(orders.id, 3)));',
    '  const keep = and(eq(orders.ref, ref), ne(orders.status, "x"));',
    '  void keep;',
    '}',
  );

  it('drops a status/rank comparison from and(…) in a where, whole or(…) included, nothing else', () => {
    const { mutants, texts } = mutate(text, statusConditionMutants);

    expect(mutants.map((m) => m.line)).toEqual([8, 11]);
    expect(texts[0]).toBe(
      text.replace('        or(lt(orders.statusRank, rank), and(eq(orders.statusRank, rank), lt(orders.statusTime, time))),\n', ''),
    );
    expect(texts[1]).toBe(text.replace('and(eq(orders.ref, ref), ne(orders.status, "succeeded"))', 'and(eq(orders.ref, ref))'));
  });
});

describe('operator selection', () => {
  it('runs only the chosen operators and rejects unknown names', () => {
    const files = [{ path: 'src/h.ts', text: `// idemgate-guard: g\n${dedupe}// idemgate-guard-end\n` }];

    expect(collectMutants(files, parseOperators('marked')).map((m) => m.id)).toEqual(['g']);
    expect(collectMutants(files, parseOperators('early-return,on-conflict')).map((m) => m.operator)).toEqual([
      'on-conflict',
      'on-conflict',
      'early-return',
    ]);
    expect(() => parseOperators('marked,drop-table')).toThrow(/unknown operator drop-table; known: marked, on-conflict/);
  });
});
