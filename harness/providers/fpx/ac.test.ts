import { describe, expect, it } from 'vitest';
import { formatAc, fpxAmountToMinor, minorToFpxAmount, parseAc } from './ac.ts';
import { formatFpxTime, parseFpxTime, toMytIso } from './myt-time.ts';

describe('fpx parseAc / formatAc', () => {
  it('decodes form encoding (+ for space, percent escapes) and keeps empty values', () => {
    expect(parseAc('fpx_buyerName=TAN+MEI+LING&fpx_makerName=&fpx_sellerOrderNo=ORD%2F2026%2F01')).toEqual({
      fpx_buyerName: 'TAN MEI LING',
      fpx_makerName: '',
      fpx_sellerOrderNo: 'ORD/2026/01',
    });
  });

  it('keeps the first value of a repeated field', () => {
    expect(parseAc(Buffer.from('fpx_debitAuthCode=00&fpx_debitAuthCode=51'))['fpx_debitAuthCode']).toBe('00');
  });

  it('encodes fields in their given order and reads back the same values', () => {
    const fields = { fpx_msgType: 'AC', fpx_buyerName: "SITI NUR'AIN & CO", fpx_buyerIban: '' };
    const body = formatAc(fields);
    expect(body).toBe('fpx_msgType=AC&fpx_buyerName=SITI+NUR%27AIN+%26+CO&fpx_buyerIban=');
    expect(parseAc(body)).toEqual(fields);
  });
});

describe('fpx amounts', () => {
  it.each([
    ['150.00', 15000],
    ['12.34', 1234],
    ['1299.90', 129990],
    ['1,299.90', 129990],
    ['0.05', 5],
    ['7', 700],
    ['7.5', 750],
  ])('%s is %d sen', (text, sen) => {
    expect(fpxAmountToMinor(text)).toBe(sen);
  });

  it.each(['', '-1.00', '1.234', 'abc', '1,29.00', '1e3'])('rejects %j', (text) => {
    expect(fpxAmountToMinor(text)).toBeUndefined();
  });

  it('formats sen with two decimals', () => {
    expect(minorToFpxAmount(15000)).toBe('150.00');
    expect(minorToFpxAmount(129990)).toBe('1299.90');
    expect(minorToFpxAmount(5)).toBe('0.05');
    expect(() => minorToFpxAmount(1.5)).toThrow(expect.objectContaining({ name: 'IdemgateError', code: 'USAGE' }));
  });
});

describe('fpx MYT times', () => {
  it('reads yyyyMMddHHmmss as Malaysia time (UTC+8)', () => {
    expect(parseFpxTime('20260309235959')).toBe(Date.parse('2026-03-09T15:59:59Z'));
    expect(parseFpxTime('20260310000000')).toBe(Date.parse('2026-03-09T16:00:00Z'));
  });

  it('writes MYT, so 23:59:59 and 00:00:00 MYT fall on different dates', () => {
    expect(formatFpxTime(Date.parse('2026-03-09T15:59:59Z'))).toBe('20260309235959');
    expect(formatFpxTime(Date.parse('2026-03-09T16:00:00Z'))).toBe('20260310000000');
    expect(toMytIso(Date.parse('2026-03-09T16:00:00.250Z'))).toBe('2026-03-10T00:00:00.250+08:00');
  });

  it.each(['2026030923595', '20260230101010', '20260309246000', 'x0260309101010'])('rejects %j', (text) => {
    expect(parseFpxTime(text)).toBeUndefined();
  });
});
