import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caught } from '../../providers/_internals/test-tape.ts';
import { addDays, compactDate } from '../calendar.ts';
import { detectShape, fpxHolidayFormat, fpxMerchantFormat, fpxRegularFormat } from './merchant-file.ts';
import type { ReconFile, ReconRow } from './types.ts';

const dateArb = fc.integer({ min: 0, max: 365 * 3 }).map((n) => addDays('2025-01-01', n));
const idArb = fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/);
const rowOn = (date: string) =>
  fc.record({
    fpxTxnId: fc.stringMatching(/^\d{16}$/),
    sellerOrderNo: idArb,
    buyerBankId: fc.constantFrom('MB2U0227', 'BCBB0235', 'HLB0224'),
    txnTime: fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m, s]) => compactDate(date) + [h, m, s].map((n) => String(n).padStart(2, '0')).join('')),
    amountMinor: fc.integer({ min: 0, max: 10_000_000_00 }),
    debitAuthCode: fc.constantFrom('00', '51', '1A', 'BC'),
  });

const regularArb: fc.Arbitrary<ReconFile> = dateArb.chain((txnDate) =>
  fc.record({
    shape: fc.constant('regular' as const),
    sellerExId: idArb,
    settlementDate: fc.constant(addDays(txnDate, 1)),
    txnDates: fc.constant([txnDate]),
    // A regular file may carry overlap rows from earlier days: no row-date constraint.
    rows: fc.array(fc.integer({ min: 0, max: 2 }).chain((back) => rowOn(addDays(txnDate, -back))), { maxLength: 30 }),
  }),
);

const holidayArb: fc.Arbitrary<ReconFile> = fc
  .tuple(dateArb, fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 }))
  .chain(([start, offsets]) => {
    const txnDates = [...offsets].sort((a, b) => a - b).map((o) => addDays(start, o));
    return fc
      .tuple(...txnDates.map((d) => fc.array(rowOn(d), { maxLength: 8 })))
      .map((groups) => ({
        shape: 'holiday' as const,
        sellerExId: 'EX00011235',
        settlementDate: addDays(txnDates.at(-1)!, 1),
        txnDates,
        rows: groups.flat(),
      }));
  });

describe('FPX merchant file: writer → parser round trips', () => {
  it('regular files (property)', () => {
    fc.assert(fc.property(regularArb, (file) => {
      expect(fpxRegularFormat.parse(fpxRegularFormat.write(file), 'r.txt')).toEqual(file);
      expect(fpxMerchantFormat.parse(fpxMerchantFormat.write(file), 'r.txt')).toEqual(file);
    }));
  });
  it('holiday files (property)', () => {
    fc.assert(fc.property(holidayArb, (file) => {
      expect(fpxHolidayFormat.parse(fpxHolidayFormat.write(file), 'h.txt')).toEqual(file);
      expect(fpxMerchantFormat.parse(fpxMerchantFormat.write(file), 'h.txt')).toEqual(file);
    }));
  });
  it('detects the shape from the header, so a holiday file is never read with the regular layout', () => {
    fc.assert(fc.property(fc.oneof(regularArb, holidayArb), (file) => {
      expect(detectShape(fpxMerchantFormat.write(file), 'x')).toBe(file.shape);
    }));
  });
});

const row = (over: Partial<ReconRow> = {}): ReconRow => ({
  fpxTxnId: '2603131128194738',
  sellerOrderNo: 'ORD-20260313-1031',
  buyerBankId: 'MB2U0227',
  txnTime: '20260313112819',
  amountMinor: 69750,
  debitAuthCode: '00',
  ...over,
});
const REGULAR = fpxRegularFormat.write({
  shape: 'regular',
  sellerExId: 'EX00011235',
  settlementDate: '2026-03-16',
  txnDates: ['2026-03-13'],
  rows: [row(), row({ fpxTxnId: '2603131355353174', txnTime: '20260313135535', amountMinor: 2850 })],
});
const HOLIDAY = fpxHolidayFormat.write({
  shape: 'holiday',
  sellerExId: 'EX00011235',
  settlementDate: '2026-03-16',
  txnDates: ['2026-03-13', '2026-03-14', '2026-03-15'],
  rows: [row(), row({ fpxTxnId: '2603140015352782', txnTime: '20260314001535', amountMinor: 2048399 })],
});

describe('FPX merchant file: the layouts', () => {
  it('writes the documented records', () => {
    expect(REGULAR).toBe(
      'H|EX00011235|20260316|20260313\n' +
        'D|1|2603131128194738|ORD-20260313-1031|MB2U0227|20260313112819|697.50|00\n' +
        'D|2|2603131355353174|ORD-20260313-1031|MB2U0227|20260313135535|28.50|00\n' +
        'T|2|72600\n',
    );
    expect(HOLIDAY).toBe(
      'H|EX00011235|20260316|20260313|20260315\n' +
        'D|1|20260313|2603131128194738|ORD-20260313-1031|MB2U0227|20260313112819|697.50|00\n' +
        'S|20260313|1|69750\n' +
        'D|2|20260314|2603140015352782|ORD-20260313-1031|MB2U0227|20260314001535|20483.99|00\n' +
        'S|20260314|1|2048399\n' +
        'S|20260315|0|0\n' +
        'T|2|2118149\n',
    );
  });
  it('accepts CRLF line ends', () => {
    expect(fpxMerchantFormat.parse(HOLIDAY.replaceAll('\n', '\r\n'), 'h.txt').rows).toHaveLength(2);
  });
});

describe('FPX merchant file: every malformed file is an error naming file and line', () => {
  const lines = (text: string) => text.split('\n');
  const edit = (text: string, line: number, value: string) => {
    const l = lines(text);
    l[line - 1] = value;
    return l.join('\n');
  };
  it.each([
    ['an empty file', '', 'r.txt:1: file is empty'],
    ['a file cut mid-line', REGULAR.slice(0, -3), 'r.txt:4: last line "T|2|726" has no line end: file is truncated'],
    ['a file cut after a detail row', lines(REGULAR).slice(0, 3).join('\n') + '\n', 'r.txt:4: file ends at line 3 without a trailer (T) record: truncated?'],
    ['a file with only a header', 'H|EX00011235|20260316|20260313\n', 'r.txt:2: file ends after the header'],
    ['a missing header', REGULAR.split('\n').slice(1).join('\n'), 'r.txt:1: first record is "D", expected a header (H)'],
    ['a trailer count that disagrees', edit(REGULAR, 4, 'T|3|72600'), 'r.txt:4: trailer count 3 but the file has 2 detail rows'],
    ['a trailer total that disagrees', edit(REGULAR, 4, 'T|2|72601'), 'r.txt:4: trailer total 72601 sen but the detail rows sum to 72600 sen'],
    ['a bad amount', edit(REGULAR, 2, 'D|1|2603131128194738|ORD-1|MB2U0227|20260313112819|697.5|00'), 'r.txt:2: amount "697.5" is not an RM amount like 150.00'],
    ['a bad time', edit(REGULAR, 3, 'D|2|2603131355353174|ORD-1|MB2U0227|20260313256000|28.50|00'), 'r.txt:3: transaction time "20260313256000" is not yyyyMMddHHmmss'],
    ['a missing column', edit(REGULAR, 2, 'D|1|2603131128194738|MB2U0227|20260313112819|697.50|00'), 'r.txt:2: detail record has 7 fields, expected 8'],
    ['a sequence gap', edit(REGULAR, 3, 'D|3|2603131355353174|ORD-1|MB2U0227|20260313135535|28.50|00'), 'r.txt:3: sequence number "3", expected 2'],
    ['an empty transaction id', edit(REGULAR, 2, 'D|1||ORD-1|MB2U0227|20260313112819|697.50|00'), 'r.txt:2: fpxTxnId is empty'],
    ['a record after the trailer', REGULAR + 'D|3|1|ORD|MB2U0227|20260313112819|1.00|00\n', 'r.txt:4: trailer (T) at line 4 is followed by more records'],
    ['an unknown record type', edit(REGULAR, 3, 'X|2'), 'r.txt:3: unexpected "X" record in a regular file'],
    ['a bad settlement date', edit(REGULAR, 1, 'H|EX00011235|20260230|20260313'), 'r.txt:1: settlement date "20260230" is not a date yyyyMMdd'],
    ['a blank line', REGULAR.replace('\nT|', '\n\nT|'), 'r.txt:4: blank line'],
  ])('regular: %s', (_label, text, message) => {
    const e = caught(() => fpxMerchantFormat.parse(text, 'r.txt'));
    expect(e.code).toBe('RECON_FILE_INVALID');
    expect(e.message).toContain(message);
  });
  it.each([
    ['a subtotal that disagrees', edit(HOLIDAY, 3, 'S|20260313|1|69751'), 'h.txt:3: subtotal 69751 sen for 20260313 but its rows sum to 69750 sen'],
    ['a subtotal count that disagrees', edit(HOLIDAY, 5, 'S|20260314|2|2048399'), 'h.txt:5: subtotal count 2 for 20260314 but 1 rows precede it'],
    ['a missing subtotal', lines(HOLIDAY).filter((_, i) => i !== 2).join('\n'), 'h.txt:3: row dated 20260314 before the subtotal (S) of 20260313'],
    ['rows with no subtotal before the trailer', edit(HOLIDAY, 6, 'D|3|20260315|2603150915000001|ORD-9|MB2U0227|20260315091500|1.00|00'), 'h.txt:7: rows dated 20260315 have no subtotal'],
    ['a date column that disagrees with the time', edit(HOLIDAY, 4, 'D|2|20260315|2603140015352782|ORD-1|MB2U0227|20260314001535|20483.99|00'), 'h.txt:4: transaction date 20260315 but time 20260314001535 is on 20260314'],
    ['subtotals that do not cover the header dates', lines(HOLIDAY).filter((_, i) => i !== 5).join('\n'), 'h.txt:6: subtotals cover 20260313, 20260314, header says 20260313–20260315'],
    ['a trailer total that disagrees', edit(HOLIDAY, 7, 'T|2|1'), 'h.txt:7: trailer total 1 sen but the detail rows sum to 2118149 sen'],
    ['a regular-layout row (columns not shifted)', edit(HOLIDAY, 2, 'D|1|2603131128194738|ORD-1|MB2U0227|20260313112819|697.50|00'), 'h.txt:2: detail record has 8 fields, expected 9'],
  ])('holiday: %s', (_label, text, message) => {
    const e = caught(() => fpxMerchantFormat.parse(text, 'h.txt'));
    expect(e.code).toBe('RECON_FILE_INVALID');
    expect(e.message).toContain(message);
  });
  it('a holiday file given to the regular-only parser says what it looks like', () => {
    expect(caught(() => fpxRegularFormat.parse(HOLIDAY, 'h.txt')).message).toBe(
      'h.txt:1: regular header has 5 fields, expected 4 (this looks like a holiday-shaped file)',
    );
    expect(caught(() => fpxMerchantFormat.parse('H|x\nT|0|0\n', 'q.txt')).message).toContain('q.txt:1: header "H|x" is neither');
  });
});
