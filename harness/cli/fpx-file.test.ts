import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fpxMerchantFormat } from '../recon/format/merchant-file.ts';
import { fpxFileCommand } from './fpx-file.ts';

const TAPE = new URL('../../fixtures/tapes/fpx.jsonl', import.meta.url).pathname;

describe('idemgate fpx-file', () => {
  it('writes the holiday-shaped Monday file for the Friday–Sunday window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpx-file-'));
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await fpxFileCommand(['--tape', TAPE, '--date', '2026-03-16', '--out', join(dir, 'mon.txt')])).toBe(0);
    const file = fpxMerchantFormat.parse(await readFile(join(dir, 'mon.txt'), 'utf8'), 'mon.txt');
    expect(file.shape).toBe('holiday');
    expect(file.txnDates).toEqual(['2026-03-13', '2026-03-14', '2026-03-15']);
    // 00:00:00 MYT Friday is in Monday's file; 23:59:59 Thursday is not.
    expect(file.rows.map((r) => r.fpxTxnId)).toContain('2603130000003883');
    expect(file.rows.map((r) => r.fpxTxnId)).not.toContain('2603122359591782');
    expect(file.rows.every((r) => r.debitAuthCode === '00')).toBe(true);
    // --shape regular gives the equivalent regular files, one per transaction date.
    expect(await fpxFileCommand(['--tape', TAPE, '--date', '2026-03-16', '--shape', 'regular', '--out', join(dir, 'r.txt')])).toBe(0);
    const friday = fpxMerchantFormat.parse(await readFile(join(dir, 'r.20260313.txt'), 'utf8'), 'r');
    expect(friday.shape).toBe('regular');
    expect(friday.rows).toEqual(file.rows.filter((r) => r.txnTime.startsWith('20260313')));
    err.mockRestore();
  });

  it('rolls a holiday --date forward and refuses bad arguments with exit 2', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await fpxFileCommand(['--tape', TAPE, '--date', '2026-08-31', '--state', '14'])).toBe(0);
    expect(err.mock.calls[0]![0]).toBe('2026-08-31 is not a business day (Hari Kebangsaan); its collections settle on 2026-09-01');
    expect(String(out.mock.calls[0]![0])).toMatch(/^H\|EX00011235\|20260901\|20260828\|20260831\n/);
    expect(await fpxFileCommand(['--tape', TAPE])).toBe(2);
    expect(await fpxFileCommand(['--tape', TAPE, '--date', '2026-02-30'])).toBe(2);
    expect(await fpxFileCommand(['--tape', TAPE, '--date', '2026-03-16', '--shape', 'odd'])).toBe(2);
    expect(await fpxFileCommand(['--tape', TAPE, '--date', '2026-03-16', '--state', '99'])).toBe(2);
    out.mockRestore();
    err.mockRestore();
  });
});
