import fc from 'fast-check';
import { defineExtension, type ScenarioExtension } from '../runner/extension.ts';
import type { Session } from '../runner/session.ts';
import type { Tape } from '../tape/schema.ts';
import { IdemgateError } from '../errors.ts';
import { reconInvariants } from './invariants/index.ts';
import { booksOf } from './invariants/expected.ts';
import { createMappedView } from '../invariants/table-mapping.ts';
import { RECON_FACTS, type DeliveredReconFile, type ReconFacts, type ReconMapping, type ReconSnapshot } from './facts.ts';
import { compactDate, createMalaysianCalendar, expandDate, type MalaysianCalendar, type MalaysianCalendarOptions } from './calendar.ts';
import { fpxMerchantFormat } from './format/merchant-file.ts';
import type { ReconFile, ReconFormat, ReconRow } from './format/types.ts';
import { fpxTransactionsOf, reconFileName, reconFilesFor, settlementDatesOf, type FpxTransaction } from './generate.ts';

export interface ReconFilesOptions extends ReconMapping {
  /** Path on the target that ingests one file (POST, the file as the body, `x-file-name` header). */
  path: string;
  /** A calendar, or options for the Malaysian one (KL '14' by default). */
  calendar?: MalaysianCalendar | MalaysianCalendarOptions;
  /** The file layout; default the modelled FPX merchant file (both shapes). */
  format?: ReconFormat;
  /** Extra request headers (content type, an auth token). */
  headers?: Record<string, string>;
  /** Turn file faults off one by one; all on by default. */
  faults?: { duplicates?: boolean; overlap?: boolean; swapShapes?: boolean; foreignRows?: boolean };
}

/** What fast-check draws per schedule: which files arrive in the other shape, twice, overlapping, with foreign rows. */
export interface ReconDraw {
  /** Per settlement date (ascending): deliver it in the other shape. */
  swap: boolean[];
  /** Files delivered again after the rest; `concurrent` = two deliveries at once. */
  duplicates: { file: number; concurrent: boolean }[];
  /** Settlement date `file` (≥ 1) also carries the last `rows` rows of the previous date's. */
  overlaps: { file: number; rows: number }[];
  /** Rows FPX lists but the merchant cannot settle: an unknown id, or a transaction that failed. */
  foreign: { file: number; kind: 'unknown' | 'failed'; pick: number }[];
}

interface PlannedFile {
  file: ReconFile;
  naturalShape: ReconFile['shape'];
  foreign: Set<string>;
}

const isCalendar = (c: MalaysianCalendar | MalaysianCalendarOptions | undefined): c is MalaysianCalendar =>
  c !== undefined && typeof (c as MalaysianCalendar).settlementDate === 'function';

const other = (shape: ReconFile['shape']) => (shape === 'holiday' ? 'regular' : 'holiday');
const rowDate = (r: ReconRow) => expandDate(r.txnTime.slice(0, 8));

/** The files one draw stands for, in delivery order (ascending settlement date). `draw` undefined = the clean plan. */
export function planReconFiles(
  transactions: readonly FpxTransaction[],
  calendar: MalaysianCalendar,
  draw: ReconDraw | undefined,
): PlannedFile[] {
  const dates = settlementDatesOf(transactions, calendar);
  const failed = transactions.filter((t) => t.status === 'failed');
  const perDate: PlannedFile[][] = dates.map((date, i) => {
    const naturalShape = calendar.shapeOf(date);
    const shape = draw?.swap[i] ? other(naturalShape) : naturalShape;
    return reconFilesFor(transactions, calendar, date, { shape }).map((file) => ({ file, naturalShape, foreign: new Set<string>() }));
  });
  for (const { file: i, rows } of draw?.overlaps ?? []) {
    if (i < 1 || i >= perDate.length) continue;
    const previous = perDate[i - 1]!.flatMap((p) => p.file.rows);
    const target = perDate[i]![0]!.file;
    const extra = previous.slice(Math.max(0, previous.length - rows));
    target.rows = [...extra, ...target.rows];
    if (target.shape === 'holiday') target.txnDates = [...new Set([...extra.map(rowDate), ...target.txnDates])].sort();
  }
  for (const { file: i, kind, pick } of draw?.foreign ?? []) {
    const planned = perDate[i % Math.max(1, perDate.length)]?.[0];
    if (planned === undefined) continue;
    const date = planned.file.txnDates[0]!;
    const source = kind === 'failed' ? failed[pick % Math.max(1, failed.length)] : undefined;
    const row: ReconRow = source
      ? { fpxTxnId: source.fpxTxnId, sellerOrderNo: source.sellerOrderNo, buyerBankId: source.buyerBankId, txnTime: `${compactDate(date)}${source.txnTime.slice(8)}`, amountMinor: source.amountMinor, debitAuthCode: '00' }
      : { fpxTxnId: `99${compactDate(date).slice(2)}${String(pick).padStart(8, '0')}`, sellerOrderNo: `UNKNOWN-${pick}`, buyerBankId: 'MB2U0227', txnTime: `${compactDate(date)}120000`, amountMinor: 1000 + pick, debitAuthCode: '00' };
    if (planned.file.rows.some((r) => r.fpxTxnId === row.fpxTxnId)) continue;
    planned.file.rows = [...planned.file.rows, row];
    planned.foreign.add(row.fpxTxnId);
  }
  return perDate.flat();
}

async function post(session: Session, options: ReconFilesOptions, name: string, body: string): Promise<number> {
  const url = new URL(options.path, session.target.baseUrl);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-file-name': name, ...options.headers },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  } catch (e) {
    throw new IdemgateError('TARGET_UNREACHABLE', `could not deliver reconciliation file ${name} to ${url.href}: ${(e as Error).message}`, { cause: e });
  }
}

async function snapshot(session: Session, mapping: ReconMapping): Promise<ReconSnapshot> {
  const books = await booksOf({ database: session.database, ledger: session.ledger }, mapping);
  const ledger = (await books.rows()).map((r) => `${r.account}|${r.amountMinor}|${r.reference}`).sort();
  // createMappedView checks the tables and columns first, naming what is missing.
  const matches = (await session.database.query<{ reference: string; settlementDate: string }>(`select * from ${await createMappedView(session.database, mapping.matches)} as m`))
    .map((r) => `${r.reference}|${r.settlementDate}`)
    .sort();
  const exceptions = (await session.database.query<{ reference: string }>(`select * from ${await createMappedView(session.database, mapping.exceptions)} as e`))
    .map((r) => r.reference)
    .sort();
  return { ledger, matches, exceptions };
}

/**
 * Adds FPX reconciliation files to a scenario: after the webhook replay, the files FPX would send
 * for the tape's approved transactions, in the shape the calendar implies, are posted to the
 * target; fast-check varies them (the other shape, the same file twice or at once, rows
 * overlapping the previous day's, rows for unknown or failed transactions). Every file is then
 * delivered once more, and the five reconciliation invariants judge the result.
 *
 * @example
 * defineScenario({ name: 'fpx-recon', tapes: ['fixtures/tapes/fpx.jsonl'], faults: [...],
 *   extensions: [reconFiles({ path: '/recon/fpx', settlementAccount: 'bank',
 *     matches: { table: 'recon_matches', columns: { reference: 'fpx_txn_id', settlementDate: 'settlement_date' } },
 *     exceptions: { table: 'recon_exceptions', columns: { reference: 'fpx_txn_id' } } })] });
 */
export function reconFiles(options: ReconFilesOptions): ScenarioExtension {
  const calendar = isCalendar(options.calendar) ? options.calendar : createMalaysianCalendar(options.calendar);
  const format = options.format ?? fpxMerchantFormat;
  const faults = { duplicates: true, overlap: true, swapShapes: true, foreignRows: true, ...options.faults };
  const mapping: ReconMapping = {
    matches: options.matches,
    exceptions: options.exceptions,
    settlementAccount: options.settlementAccount,
    ...(options.ledger ? { ledger: options.ledger } : {}),
  };
  const cache = new WeakMap<Tape, FpxTransaction[]>();
  const transactionsOf = (tape: Tape) => {
    let t = cache.get(tape);
    if (t === undefined) cache.set(tape, (t = fpxTransactionsOf(tape)));
    return t;
  };
  return defineExtension({
    key: RECON_FACTS,
    draw(tape): fc.Arbitrary<ReconDraw> {
      const n = settlementDatesOf(transactionsOf(tape), calendar).length;
      const none = <T>() => fc.constant<T[]>([]);
      const file = fc.nat(Math.max(0, n - 1));
      return fc.record({
        swap: faults.swapShapes ? fc.array(fc.boolean(), { minLength: n, maxLength: n }) : fc.constant(Array<boolean>(n).fill(false)),
        duplicates: faults.duplicates ? fc.array(fc.record({ file, concurrent: fc.boolean() }), { maxLength: 2 }) : none(),
        overlaps: faults.overlap && n > 1 ? fc.array(fc.record({ file: fc.integer({ min: 1, max: n - 1 }), rows: fc.integer({ min: 1, max: 3 }) }), { maxLength: 1 }) : none(),
        foreign: faults.foreignRows ? fc.array(fc.record({ file, kind: fc.constantFrom('unknown' as const, 'failed' as const), pick: fc.nat(99) }), { maxLength: 2 }) : none(),
      });
    },
    async after({ session, tape }, draw): Promise<ReconFacts> {
      const planned = planReconFiles(transactionsOf(tape), calendar, draw);
      const names = new Map<string, number>();
      const files: (DeliveredReconFile & { text: string })[] = planned.map((p) => {
        let name = reconFileName(p.file);
        const n = (names.get(name) ?? 0) + 1;
        names.set(name, n);
        if (n > 1) name = name.replace(/\.txt$/, `-${n}.txt`);
        return {
          name,
          settlementDate: p.file.settlementDate,
          shape: p.file.shape,
          naturalShape: p.naturalShape,
          rows: p.file.rows.map((r) => ({ ...r, txnDate: rowDate(r), foreign: p.foreign.has(r.fpxTxnId) })),
          statuses: [],
          text: format.write(p.file),
        };
      });
      for (const f of files) f.statuses.push(await post(session, options, f.name, f.text));
      for (const { file, concurrent } of draw?.duplicates ?? []) {
        const f = files[file % files.length];
        if (f === undefined) continue;
        const copies = concurrent ? 2 : 1;
        f.statuses.push(...(await Promise.all(Array.from({ length: copies }, () => post(session, options, f.name, f.text)))));
      }
      const before = await snapshot(session, mapping);
      for (const f of files) f.statuses.push(await post(session, options, f.name, f.text));
      const after = await snapshot(session, mapping);
      return { mapping, files: files.map(({ text: _, ...f }) => f), reingest: { before, after } };
    },
    invariants: reconInvariants,
  });
}
