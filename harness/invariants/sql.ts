import { IdemgateError } from '../errors.ts';

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `schema.table` or `table`, each part quoted; already-quoted parts are kept as written. */
export function quoteQualified(name: string): string {
  const parts = name.match(/"(?:[^"]|"")*"|[^.]+/g) ?? [];
  return parts
    .map((part) => (part.startsWith('"') && part.endsWith('"') && part.length >= 2 ? part : quoteIdent(part.trim())))
    .join('.');
}

/** A number from a pg value (int8 arrives as a string); throws unless it is a safe integer. */
export function toSafeInteger(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number(String(value));
  if (!Number.isSafeInteger(n) || (typeof value === 'bigint' && BigInt(n) !== value)) {
    throw new IdemgateError(
      'LEDGER_MAPPING_INVALID',
      `${what} is ${String(value)}, not a safe integer in minor units`,
      {
        details: { value: String(value) },
      },
    );
  }
  return n;
}
