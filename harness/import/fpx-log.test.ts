import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { readTape } from '../tape/read.ts';
import { fpxFieldsOf } from './fpx-log.ts';
import { importTraffic } from './import-traffic.ts';

const LOG = join(import.meta.dirname, 'testdata/fpx-direct-ac.log');
const dir = mkdtempSync(join(tmpdir(), 'idemgate-import-fpx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const out = (): string => join(dir, `${n++}.jsonl`);
const fixture = readFileSync(join(import.meta.dirname, '../../fixtures/tapes/fpx.jsonl'), 'utf8').split('\n').slice(1, 4).map((l) => JSON.parse(l) as { body: string; recordedAt: string });

async function failure(file: string, logOffsetMinutes?: number): Promise<{ message: string; line: number }> {
  const error = await importTraffic({ kind: 'fpx-log', files: [file], out: out(), logOffsetMinutes }).catch((e: unknown) => e);
  if (!isIdemgateError(error, 'TAPE_INVALID')) throw error instanceof Error ? error : new Error(String(error));
  return { message: error.message, line: error.details.line };
}

describe('fpxFieldsOf', () => {
  it('finds the message after a log prefix: form encoded, or key=value pairs split by spaces or commas', () => {
    expect(fpxFieldsOf('2026-03-11 INFO body=fpx_msgType=AC&fpx_buyerName=SITI+HAJAR&fpx_buyerId=&fpx_txnAmount=20.90 status=ok')).toEqual({
      fpx_msgType: 'AC',
      fpx_buyerName: 'SITI HAJAR',
      fpx_buyerId: '',
      fpx_txnAmount: '20.90',
    });
    expect(fpxFieldsOf('WARN late AC fpx_msgType=AC fpx_buyerName=SITI HAJAR fpx_buyerId= fpx_makerName= fpx_debitAuthCode=00')).toEqual({
      fpx_msgType: 'AC',
      fpx_buyerName: 'SITI HAJAR',
      fpx_buyerId: '',
      fpx_makerName: '',
      fpx_debitAuthCode: '00',
    });
    expect(fpxFieldsOf('AC fpx_msgType=AC, fpx_buyerName="BIN ALI, AHMAD", fpx_txnAmount=1,299.90, fpx_msgToken=01')).toMatchObject({
      fpx_buyerName: 'BIN ALI, AHMAD',
      fpx_txnAmount: '1,299.90',
      fpx_msgToken: '01',
    });
  });
});

describe('import fpx-log', () => {
  it('reads every AC on the log, skipping other lines and the AR, into the bodies FPX sent, by time', async () => {
    const to = out();

    const summary = await importTraffic({ kind: 'fpx-log', files: [LOG], out: to, logOffsetMinutes: 0 });

    const tape = await readTape(to);
    // The bodies are FPX's field order, whatever the log's layout: the same bytes the fixture tape's deliveries carried.
    expect(tape.exchanges.map((e) => e.body)).toEqual(fixture.map((e) => e.body));
    expect(tape.exchanges.map((e) => [e.provider, e.path, e.recordedAt])).toEqual([
      ['fpx', '/webhooks/fpx/direct-ac', '2026-03-11T08:50:53.897+08:00'],
      // No timestamp on its line: fpx_fpxTxnTime, Malaysia time.
      ['fpx', '/webhooks/fpx/direct-ac', '2026-03-11T09:44:01.000+08:00'],
      // Logged in UTC without a zone, read with --log-offset Z.
      ['fpx', '/webhooks/fpx/direct-ac', '2026-03-11T02:10:11.004+00:00'],
    ]);
    expect(summary.skipped).toEqual({ 'FPX AR messages (not an AC)': 1, 'log lines without an FPX message': 1 });
  });

  it('asks for the zone of a timestamp logged without one, naming the line', async () => {
    expect(await failure(LOG)).toMatchObject({ line: 4, message: expect.stringMatching(/has no UTC offset.*--log-offset/) as unknown });
  });

  it('refuses one transaction and debit code logged with two bodies, and keeps a message logged twice as a redelivery', async () => {
    const [a] = fixture;
    const other = a!.body.replace('fpx_txnAmount=20.90', 'fpx_txnAmount=29.00');
    const twoBodies = join(dir, 'two.log');
    writeFileSync(twoBodies, `2026-03-11T08:50:53Z AC ${a!.body}\n2026-03-11T08:50:59Z AC ${other}\n`);
    const error = await failure(twoBodies);
    expect(error.line).toBe(2);
    expect(error.message).toContain(`fpx 2603110850520969:00 was delivered with another body at ${twoBodies}:1`);

    const resent = join(dir, 'resent.log');
    writeFileSync(resent, `2026-03-11T08:50:53Z AC ${a!.body}\n2026-03-11T08:51:53Z AC ${a!.body}\n`);
    const summary = await importTraffic({ kind: 'fpx-log', files: [resent], out: out() });
    expect(summary).toMatchObject({ exchanges: 2, duplicatesKept: 1 });
  });

  it('names the line of an AC the adapter cannot read, and an empty log', async () => {
    const bad = join(dir, 'bad.log');
    writeFileSync(bad, 'noise\n2026-03-11T08:50:53Z fpx_msgType=AC&fpx_fpxTxnId=1&fpx_fpxTxnTime=20260311085052\n');
    expect(await failure(bad)).toMatchObject({ line: 2, message: expect.stringMatching(/bad\.log:2: fpx: AC has no fpx_debitAuthCode/) as unknown });
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '\n');
    expect((await failure(empty)).message).toMatch(/empty\.log:1: empty/);
  });
});
