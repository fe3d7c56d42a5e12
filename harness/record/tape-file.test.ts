import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTape } from '../tape/read.ts';
import type { TapeHeader } from '../tape/schema.ts';
import { createTapeFile } from './tape-file.ts';

const header: TapeHeader = { format: 'idemgate-tape', version: 1, name: 't', createdAt: '2026-12-03T10:00:00.000+08:00', source: { kind: 'proxy' } };
const exchange = (seq: number) => ({
  seq,
  provider: 'stripe',
  method: 'POST' as const,
  path: '/webhooks/stripe',
  headers: { 'stripe-signature': 't=1,v1=ab' },
  body: '{"id":"evt_1"}',
  recordedAt: '2026-12-03T10:00:01.000+08:00',
});

describe('createTapeFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idemgate-tape-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a readable tape after every line, and finish puts the upstream section into line 1 by renaming a complete copy', async () => {
    const path = join(dir, 'a.jsonl');
    const tape = createTapeFile(path, header);

    tape.append(exchange(1));
    const running = await readTape(path);
    tape.append(exchange(2));
    tape.finish({ upstream: { shopee: { escrow: { X: { order_sn: 'X' } } } } });
    const finished = await readTape(path);

    expect(running.exchanges).toHaveLength(1);
    expect(running.header.upstream).toBeUndefined();
    expect(running.exchanges[0]!.headers['stripe-signature']).toBe('***');
    expect(finished.exchanges.map((x) => x.seq)).toEqual([1, 2]);
    expect(finished.header.upstream).toEqual({ shopee: { escrow: { X: { order_sn: 'X' } } } });
    expect(readdirSync(dir)).toEqual(['a.jsonl']);
  });

  it('with nothing appended, finish removes the file (a header alone is not a tape)', () => {
    const path = join(dir, 'empty.jsonl');
    const tape = createTapeFile(path, header);

    expect(tape.finish()).toBe(false);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses to replace a file unless told to, and refuses a seq that does not grow', () => {
    const path = join(dir, 'old.jsonl');
    writeFileSync(path, 'keep\n');

    expect(() => createTapeFile(path, header)).toThrow(/already exists \(pass --force to replace it\)/);
    const tape = createTapeFile(path, header, { overwrite: true });
    tape.append(exchange(3));
    expect(() => tape.append(exchange(3))).toThrow(/seq 3 after 3/);
    tape.finish();
  });
});
