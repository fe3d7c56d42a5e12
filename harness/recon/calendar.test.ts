import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { addDays, createMalaysianCalendar, mytDateOf } from './calendar.ts';

const kl = createMalaysianCalendar();

describe('Malaysian calendar, 2026, Kuala Lumpur (14)', () => {
  it.each([
    ['2026-01-01', /Tahun Baru/],
    ['2026-02-17', /Tahun Baru Cina/],
    ['2026-03-21', /Aidil Fitri/],
    ['2026-05-01', /Pekerja/],
    ['2026-05-27', /Haji/],
    ['2026-08-31', /Kebangsaan/],
    ['2026-09-16', /Hari Malaysia/],
    ['2026-11-09', /Deepavali/],
    ['2026-12-25', /Krismas/],
  ])('%s is a federal public holiday', (date, name) => {
    expect(kl.closedBecause(date)).toMatch(name);
    expect(kl.isBusinessDay(date)).toBe(false);
  });

  it('knows KL\'s own holiday (Hari Wilayah Persekutuan, 1 Feb) and not Selangor\'s (11 Dec)', () => {
    expect(kl.closedBecause('2026-02-01')).toMatch(/Wilayah/);
    expect(kl.isBusinessDay('2026-12-11')).toBe(true);
    const selangor = createMalaysianCalendar({ state: '10' });
    expect(selangor.closedBecause('2026-12-11')).toMatch(/Selangor/);
    expect(selangor.closedBecause('2026-02-01')).not.toMatch(/Wilayah/);
  });

  it('rolls a Friday collection to Monday, and a Thursday one to Friday', () => {
    expect(kl.settlementDate('2026-03-12')).toBe('2026-03-13');
    expect(kl.settlementDate('2026-03-13')).toBe('2026-03-16');
    expect(kl.settlementDate('2026-03-14')).toBe('2026-03-16');
    expect(kl.settlementDate('2026-03-15')).toBe('2026-03-16');
  });

  it('rolls over the Merdeka weekend: Friday 28 Aug – Monday 31 Aug settle on Tuesday 1 Sep', () => {
    expect(kl.windowOf('2026-09-01')).toEqual(['2026-08-28', '2026-08-29', '2026-08-30', '2026-08-31']);
    expect(kl.shapeOf('2026-09-01')).toBe('holiday');
    expect(kl.shapeOf('2026-09-02')).toBe('regular');
    expect(kl.windowOf('2026-08-31')).toEqual([]);
  });

  it('rolls over Christmas (Friday) to Monday 28 Dec, and over Deepavali\'s Monday to Tuesday', () => {
    expect(kl.settlementDate('2026-12-24')).toBe('2026-12-28');
    expect(kl.windowOf('2026-11-10')).toEqual(['2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09']);
  });

  it('takes an override list of ad-hoc holidays', () => {
    expect(kl.settlementDate('2026-03-19')).toBe('2026-03-20');
    const withOverride = createMalaysianCalendar({ overrides: [{ date: '2026-03-20', name: 'cuti peristiwa' }] });
    expect(withOverride.closedBecause('2026-03-20')).toBe('cuti peristiwa');
    expect(withOverride.settlementDate('2026-03-19')).toBe('2026-03-23');
  });

  it('dates instants in MYT: 23:59:59 and 00:00:00 MYT are different days', () => {
    expect(mytDateOf(Date.parse('2026-03-12T23:59:59+08:00'))).toBe('2026-03-12');
    expect(mytDateOf(Date.parse('2026-03-13T00:00:00+08:00'))).toBe('2026-03-13');
    expect(mytDateOf(Date.parse('2026-03-12T16:00:00Z'))).toBe('2026-03-13');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
  });

  it('every settlement date\'s window maps back to it (property over 2026)', () => {
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      for (const t of kl.windowOf(d)) expect(kl.settlementDate(t)).toBe(d);
      expect(kl.isBusinessDay(kl.settlementDate(d))).toBe(true);
    }
  });

  it('rejects a bad state or a bad date with a clear error', () => {
    expect(() => createMalaysianCalendar({ state: '99' })).toThrow(/unknown Malaysian state "99"/);
    expect(() => kl.isBusinessDay('2026-02-30')).toThrow(IdemgateError);
    expect(() => createMalaysianCalendar({ overrides: ['31/12/2026'] })).toThrow(/calendar override "31\/12\/2026"/);
  });
});
