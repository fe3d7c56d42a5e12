/**
 * `gate --mutate --shard i/n` end to end: each shard runs its share of the scenarios, then the
 * unmutated target and its share of the mutants; merge-reports puts the matrix back together
 * (every mutant once, the unmutated run once) and exits as the unsharded gate would. Two marked
 * guards in a tiny service, one scenario, two shards: shard 2 gets no scenario yet still runs its
 * mutant, since the merged scenarios pass.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeMutationProject, runCli } from './testdata/project.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
// Inside the repository so the service copy finds node_modules (pg) the way a user's would.
const base = join(repo, '.idemgate-tmp');
let dir: string;
beforeAll(() => {
  mkdirSync(base, { recursive: true });
  dir = mkdtempSync(join(base, 'shard-mutate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idemgate = runCli;

const SERVER = `import { createServer } from 'node:http';
import pg from 'pg';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
await pool.query('create table if not exists seen (id text primary key)');
await pool.query('create table if not exists journal (batch text, acct text, amt bigint, ccy text, ref text)');
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const e = JSON.parse(Buffer.concat(chunks).toString());
    const o = e.data.object;
    // idemgate-guard: event-dedupe
    const first = await pool.query('insert into seen values ($1) on conflict do nothing returning id', [e.id]);
    if (first.rowCount === 0) return res.end('{}');
    // idemgate-guard-end
    const post = async (ref, amt) => {
      await pool.query("insert into journal values ($1, 'cash', $2, 'MYR', $3), ($1, 'revenue', $4, 'MYR', $3)", [e.id, amt, ref, -amt]);
    };
    if (e.type === 'payment_intent.succeeded') await post(o.id, o.amount_received);
    // idemgate-guard: refund-metadata-edit
    // A refund.updated whose previous_attributes lack "status" (a metadata edit) moves no money.
    if (e.type === 'refund.updated' && e.data.previous_attributes && !('status' in e.data.previous_attributes)) return res.end('{}');
    // idemgate-guard-end
    if (e.type.startsWith('refund.') && o.status === 'succeeded') await post(o.id, -o.amount);
    res.end('{}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

describe('gate --mutate --shard i/n and merge-reports (CLI)', () => {
  it('2 shards merged: every mutant once, killed, the unmutated run once, exit 0', { timeout: 300_000 }, async () => {
    makeMutationProject(dir, SERVER);
    const args = ['gate', '--mutate', '--config', join(dir, 'idemgate.config.ts'), '--seed', '3', '--runs', '6', '--pglite'];
    const shards = await Promise.all([1, 2].map((i) => idemgate([...args, '--shard', `${i}/2`, '--reports', join(dir, `shard-${i}`)])));
    expect(shards[0]!.status, shards[0]!.out).toBe(0);
    // Shard 2 got no scenario (NOTHING RAN, exit 2) but ran its share of the mutants.
    expect(shards[1]!.status, shards[1]!.out).toBe(2);
    expect(shards[1]!.out).toMatch(/refund-metadata-edit: killed/);

    const merge = await idemgate(['merge-reports', join(dir, 'shard-1'), join(dir, 'shard-2'), '--reports', join(dir, 'merged')]);
    expect(merge.status, merge.out).toBe(0);
    const matrix = JSON.parse(readFileSync(join(dir, 'merged', 'mutation.json'), 'utf8')) as {
      clean: { status: string; schedules: number };
      mutants: { id: string; status: string }[];
      shard?: unknown;
    };
    expect(matrix.mutants.map((m) => [m.id, m.status])).toEqual([
      ['event-dedupe', 'killed'],
      ['refund-metadata-edit', 'killed'],
    ]);
    const shardClean = JSON.parse(readFileSync(join(dir, 'shard-1', 'mutation.json'), 'utf8')) as { clean: { schedules: number } };
    expect(matrix.clean).toMatchObject({ status: 'passed', schedules: shardClean.clean.schedules });
    expect(matrix.shard).toBeUndefined();
    expect(readFileSync(join(dir, 'merged', 'mutation.md'), 'utf8')).toContain('mutants: 2, killed 2 (100%)');
    const results = JSON.parse(readFileSync(join(dir, 'merged', 'results.json'), 'utf8')) as { summary: { verdict: string } };
    expect(results.summary.verdict).toBe('passed');
  });
});
