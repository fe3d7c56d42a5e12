import { IdemgateError } from '../../errors.ts';

/**
 * Reads an AC body (application/x-www-form-urlencoded) into its fields. When a field repeats,
 * the first value wins.
 *
 * @example
 * parseAc('fpx_msgType=AC&fpx_buyerName=AHMAD+BIN+ALI').fpx_buyerName; // 'AHMAD BIN ALI'
 */
export function parseAc(body: string | Buffer): Record<string, string> {
  const params = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
  const fields: Record<string, string> = {};
  for (const [name, value] of params) if (!(name in fields)) fields[name] = value;
  return fields;
}

/** Encodes AC fields as a form body, in the fields' own order. */
export function formatAc(fields: Readonly<Record<string, string>>): string {
  return new URLSearchParams(Object.entries(fields)).toString();
}

/** "1,299.90" / "150.00" / "150" → sen; undefined when it is not an RM amount with ≤ 2 decimals. */
export function fpxAmountToMinor(amount: string): number | undefined {
  const m = /^(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (m === null) return undefined;
  const ringgit = Number(m[1]!.replaceAll(',', ''));
  const sen = Number((m[2] ?? '0').padEnd(2, '0'));
  const minor = ringgit * 100 + sen;
  return Number.isSafeInteger(minor) ? minor : undefined;
}

/** Sen → FPX amount text: 15000 → "150.00". */
export function minorToFpxAmount(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new IdemgateError('USAGE', `not an amount in sen: ${minor}`);
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}
