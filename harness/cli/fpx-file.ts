import { writeFile } from 'node:fs/promises';
import { describeError, IdemgateError } from '../errors.ts';
import { parseCommandArgs } from './args.ts';
import { checkCivilDate, createMalaysianCalendar, fpxMerchantFormat, fpxTransactionsOf, reconFileName, reconFilesFor } from '../recon/index.ts';
import { readTape } from '../tape/read.ts';

export const FPX_FILE_HELP = `idemgate fpx-file --tape FILE --date YYYY-MM-DD [--state 14] [--shape regular|holiday] [--holiday YYYY-MM-DD]... [--out FILE]
  Writes the FPX merchant reconciliation file for one settlement date from the tape's approved
  transactions (T+1 business day, Malaysian calendar: weekends, federal + state holidays, --holiday
  overrides). The shape follows the calendar (holiday-shaped after a weekend or public holiday)
  unless --shape forces one; a date that is not a business day rolls forward to the next one.
  Without --out the file goes to stdout; with several files (--shape regular on a holiday window)
  each is written next to --out with its transaction date.`;

/** `idemgate fpx-file …`: argument parsing only. Exit 0 written, 2 usage or input error. */
export async function fpxFileCommand(argv: string[]): Promise<number> {
  try {
    const { values } = parseCommandArgs('fpx-file', argv, {
        tape: { type: 'string' },
        date: { type: 'string' },
        state: { type: 'string', default: '14' },
        shape: { type: 'string' },
        holiday: { type: 'string', multiple: true },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      console.log(FPX_FILE_HELP);
      return 0;
    }
    if (values.tape === undefined || values.date === undefined) throw new IdemgateError('USAGE', `--tape and --date are required\n${FPX_FILE_HELP}`);
    if (values.shape !== undefined && values.shape !== 'regular' && values.shape !== 'holiday') {
      throw new IdemgateError('USAGE', `--shape must be regular or holiday, got "${values.shape}"`);
    }
    const calendar = createMalaysianCalendar({ state: values.state, overrides: values.holiday ?? [] });
    let date = checkCivilDate(values.date, '--date');
    const closed = calendar.closedBecause(date);
    if (closed !== undefined) {
      const next = calendar.nextBusinessDay(date);
      console.error(`${date} is not a business day (${closed}); its collections settle on ${next}`);
      date = next;
    }
    const transactions = fpxTransactionsOf(await readTape(values.tape));
    const files = reconFilesFor(transactions, calendar, date, values.shape === undefined ? {} : { shape: values.shape });
    if (values.out === undefined) {
      for (const f of files) process.stdout.write(fpxMerchantFormat.write(f));
    } else {
      for (const f of files) {
        const out = files.length === 1 ? values.out : values.out.replace(/(\.[^./]*)?$/, (ext) => `.${f.txnDates[0]!.replaceAll('-', '')}${ext}`);
        await writeFile(out, fpxMerchantFormat.write(f), 'utf8');
        console.error(`wrote ${out} (${reconFileName(f)}: ${f.shape}, settlement ${f.settlementDate}, ${f.rows.length} rows, transactions of ${f.txnDates.join(', ')})`);
      }
    }
    return 0;
  } catch (e) {
    console.error(describeError(e instanceof Error && !(e instanceof IdemgateError) && e.name === 'TypeError' ? new IdemgateError('USAGE', e.message) : e));
    return 2;
  }
}
