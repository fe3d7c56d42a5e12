import Holidays from 'date-holidays';
import { IdemgateError } from '../errors.ts';
import { MYT_OFFSET_MS } from '../providers/fpx/myt-time.ts';

/** A calendar date in Malaysia, `YYYY-MM-DD`. */
export type CivilDate = string;

export interface MalaysianCalendarOptions {
  /**
   * `date-holidays` state code: '14' Kuala Lumpur (default), '10' Selangor, … Federal holidays
   * always apply; the state adds its own.
   */
  state?: string;
  /** Extra non-business days (ad-hoc gazetted holidays date-holidays does not know): `YYYY-MM-DD` or `{ date, name }`. */
  overrides?: readonly (CivilDate | { date: CivilDate; name: string })[];
  /** Days of the week that are not business days (0 Sunday … 6 Saturday). Default Saturday and Sunday. */
  weekend?: readonly number[];
}

/**
 * Malaysian business days for FPX settlement, all in Asia/Kuala_Lumpur: weekends, federal plus
 * one state's public holidays (date-holidays), and a user override list. Dates are civil
 * `YYYY-MM-DD` strings, so no arithmetic ever touches a UTC date by accident.
 */
export interface MalaysianCalendar {
  readonly state: string;
  /** Why a date is not a business day (`Saturday`, `Hari Kebangsaan`, an override's name), or undefined. */
  closedBecause(date: CivilDate): string | undefined;
  isBusinessDay(date: CivilDate): boolean;
  /** The first business day strictly after `date`. */
  nextBusinessDay(date: CivilDate): CivilDate;
  /** The last business day strictly before `date`. */
  previousBusinessDay(date: CivilDate): CivilDate;
  /** T+1 business day: a collection on `txnDate` (MYT) settles on the next business day after it. */
  settlementDate(txnDate: CivilDate): CivilDate;
  /** The transaction dates one settlement date covers, ascending (empty if it is not a business day). */
  windowOf(settlementDate: CivilDate): CivilDate[];
  /** `holiday` when the window held a weekend or public holiday (several transaction dates), else `regular`. */
  shapeOf(settlementDate: CivilDate): 'regular' | 'holiday';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Validates a `YYYY-MM-DD` date (a real calendar date); throws USAGE otherwise. */
export function checkCivilDate(date: string, what = 'date'): CivilDate {
  const m = DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (m === null || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new IdemgateError('USAGE', `${what} "${date}" is not a calendar date YYYY-MM-DD`);
  }
  return date;
}

const toMs = (date: CivilDate): number => Date.parse(`${date}T00:00:00Z`);
const fromMs = (ms: number): CivilDate => new Date(ms).toISOString().slice(0, 10);

/** `date` plus `days` calendar days. */
export const addDays = (date: CivilDate, days: number): CivilDate => fromMs(toMs(date) + days * DAY_MS);

/** The Malaysian calendar date of an instant (UTC+8, no DST). */
export const mytDateOf = (ms: number): CivilDate => fromMs(ms + MYT_OFFSET_MS);

/** `20260313` ⇄ `2026-03-13`. */
export const compactDate = (date: CivilDate): string => date.replaceAll('-', '');
export const expandDate = (yyyymmdd: string): CivilDate =>
  `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/**
 * Builds the calendar.
 *
 * @example
 * const cal = createMalaysianCalendar({ state: '14' });
 * cal.settlementDate('2026-03-13'); // '2026-03-16' (Friday → Monday)
 * cal.shapeOf('2026-09-01');        // 'holiday' (after the Merdeka weekend)
 */
export function createMalaysianCalendar(options: MalaysianCalendarOptions = {}): MalaysianCalendar {
  const state = options.state ?? '14';
  const weekend = new Set(options.weekend ?? [0, 6]);
  const states = new Holidays().getStates('MY') ?? {};
  if (!Object.hasOwn(states, state)) {
    throw new IdemgateError(
      'CONFIG_INVALID',
      `unknown Malaysian state "${state}" (date-holidays knows: ${Object.keys(states).sort().join(', ')})`,
    );
  }
  const holidays = new Holidays('MY', state);
  const overrides = new Map<CivilDate, string>();
  for (const o of options.overrides ?? []) {
    const [date, name] = typeof o === 'string' ? [o, 'override'] : [o.date, o.name];
    overrides.set(checkCivilDate(date, 'calendar override'), name);
  }
  const byYear = new Map<number, Map<CivilDate, string>>();
  const publicHolidays = (year: number): Map<CivilDate, string> => {
    let map = byYear.get(year);
    if (map === undefined) {
      map = new Map();
      for (const h of holidays.getHolidays(year)) {
        if (h.type !== 'public' && h.type !== 'bank') continue;
        // `date` is the local civil date ("2026-05-27 00:00:00 -0600" for some Islamic dates).
        const date = h.date.slice(0, 10);
        map.set(date, map.has(date) ? `${map.get(date)} / ${h.name}` : h.name);
      }
      byYear.set(year, map);
    }
    return map;
  };

  const closedBecause = (date: CivilDate): string | undefined => {
    checkCivilDate(date);
    const override = overrides.get(date);
    if (override !== undefined) return override;
    const holiday = publicHolidays(Number(date.slice(0, 4))).get(date);
    if (holiday !== undefined) return holiday;
    const weekday = new Date(toMs(date)).getUTCDay();
    return weekend.has(weekday) ? WEEKDAY_NAMES[weekday] : undefined;
  };
  const isBusinessDay = (date: CivilDate) => closedBecause(date) === undefined;
  const step = (date: CivilDate, dir: 1 | -1): CivilDate => {
    let d = addDays(date, dir);
    // A long run of closed days is a broken override list, not a calendar.
    for (let i = 0; i < 60 && !isBusinessDay(d); i++) d = addDays(d, dir);
    if (!isBusinessDay(d)) throw new IdemgateError('CONFIG_INVALID', `no business day within 60 days of ${date}`);
    return d;
  };
  const nextBusinessDay = (date: CivilDate) => step(date, 1);
  const previousBusinessDay = (date: CivilDate) => step(date, -1);
  const windowOf = (settlementDate: CivilDate): CivilDate[] => {
    if (!isBusinessDay(settlementDate)) return [];
    const dates: CivilDate[] = [];
    for (let d = previousBusinessDay(settlementDate); d < settlementDate; d = addDays(d, 1)) dates.push(d);
    return dates;
  };
  return {
    state,
    closedBecause,
    isBusinessDay,
    nextBusinessDay,
    previousBusinessDay,
    settlementDate: nextBusinessDay,
    windowOf,
    shapeOf: (settlementDate) => (windowOf(settlementDate).length > 1 ? 'holiday' : 'regular'),
  };
}
