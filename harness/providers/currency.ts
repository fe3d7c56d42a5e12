import { IdemgateError } from '../errors.ts';

/**
 * ISO 4217 minor units (the number of decimals of a currency's minor unit), the one table every
 * provider reads and writes amounts with. Ledger amounts are integers in these minor units:
 * 95.12 MYR is 9512, 250000 VND is 250000, 12.345 KWD is 12345.
 *
 * Active ISO 4217 codes whose exponent is not 2, plus the 2-decimal currencies idemgate's
 * providers meet (Shopee's regions, FPX, Stripe's common ones). A code not listed is unknown
 * (undefined), never guessed. Note ISO's own exponents where practice differs: IDR and TWD are
 * 2 in ISO 4217 though prices are whole (Shopee sends `150000` for Rp150.000, i.e. 15000000).
 */
export const ISO_4217_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  // 0 decimals
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // 3 decimals
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // 4 decimals
  CLF: 4, UYW: 4,
  // 2 decimals
  AED: 2, AUD: 2, BDT: 2, BND: 2, BRL: 2, CAD: 2, CHF: 2, CNY: 2, COP: 2, CZK: 2, DKK: 2,
  EUR: 2, GBP: 2, HKD: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, KHR: 2, LAK: 2, LKR: 2, MMK: 2,
  MXN: 2, MYR: 2, NOK: 2, NZD: 2, PEN: 2, PHP: 2, PKR: 2, PLN: 2, SAR: 2, SEK: 2, SGD: 2,
  THB: 2, TRY: 2, TWD: 2, USD: 2, ZAR: 2,
});

/** Decimals of a currency's minor unit (case-insensitive code), or undefined for a code not in the table. */
export function minorUnitsOf(currency: string): number | undefined {
  const code = currency.toUpperCase();
  return Object.hasOwn(ISO_4217_MINOR_UNITS, code) ? ISO_4217_MINOR_UNITS[code] : undefined;
}

/**
 * A decimal amount in major units, as a provider sends it (a JSON number or plain decimal text),
 * → integer minor units. Undefined for an unknown currency, or for anything that is not a finite
 * amount with at most the currency's decimals (12.345 MYR, 2500.5 VND).
 *
 * @example
 * decimalToMinor(95.12, 'MYR'); // 9512
 * decimalToMinor(250000, 'VND'); // 250000
 */
export function decimalToMinor(amount: unknown, currency: string): number | undefined {
  const units = minorUnitsOf(currency);
  if (units === undefined) return undefined;
  let value: number;
  if (typeof amount === 'number') value = amount;
  else if (typeof amount === 'string' && /^-?\d+(?:\.\d+)?$/.test(amount.trim())) value = Number(amount);
  else return undefined;
  if (!Number.isFinite(value)) return undefined;
  const scaled = value * 10 ** units;
  const minor = Math.round(scaled);
  // Within float noise of an integer (0.1 + 0.2 MYR is 30 sen); a real extra decimal is refused.
  return Math.abs(minor - scaled) < 1e-6 && Number.isSafeInteger(minor) ? minor : undefined;
}

/**
 * Integer minor units → the decimal amount a provider sends (for generators and simulated APIs).
 *
 * @example
 * minorToDecimal(9512, 'MYR'); // 95.12
 */
export function minorToDecimal(minor: number, currency: string): number {
  const units = minorUnitsOf(currency);
  if (units === undefined) throw new IdemgateError('USAGE', `currency "${currency}" has no ISO 4217 minor-unit entry`);
  return Number((minor / 10 ** units).toFixed(units));
}

/**
 * Minor units as a person reads the amount: the currency's decimals, exactly (`9512 MYR` → `95.12`,
 * `67368 VND` → `67368`); a code not in the table shows the integer with `minor units`.
 *
 * @example
 * formatMinor(9512, 'MYR'); // '95.12'
 */
export function formatMinor(minor: number, currency: string): string {
  const units = minorUnitsOf(currency);
  if (units === undefined) return `${minor} minor units`;
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(units + 1, '0');
  return units === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -units)}.${digits.slice(-units)}`;
}
