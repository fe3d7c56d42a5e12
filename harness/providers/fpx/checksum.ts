import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { FPX_AC_CHECKSUM_FIELDS } from './fields.ts';

/**
 * The string an AC's `fpx_checkSum` signs: the 21 values in checksum order joined by '|'.
 * A missing field counts as an empty value, as FPX keeps empty values as empty segments.
 *
 * @example
 * checksumSource(parseAc(body)); // 'MAYBANK2U|MB2U0227|||AHMAD BIN ALI|00|…|150.00|MYR'
 */
export function checksumSource(fields: Readonly<Record<string, string | undefined>>): string {
  return FPX_AC_CHECKSUM_FIELDS.map((name) => fields[name] ?? '').join('|');
}

/** Parsed keys by PEM: parsing a PEM costs as much as the signature itself, and every delivery signs. */
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
const cached = (cache: Map<string, KeyObject>, pem: string, parse: (pem: string) => KeyObject): KeyObject => {
  let key = cache.get(pem);
  if (key === undefined) {
    key = parse(pem);
    if (cache.size >= 16) cache.clear();
    cache.set(pem, key);
  }
  return key;
};

/** SHA1withRSA (PKCS#1 v1.5) over the source, as upper-case hex like FPX sends it. */
export function signChecksum(source: string, privateKeyPem: string): string {
  return sign('sha1', Buffer.from(source, 'utf8'), cached(privateKeys, privateKeyPem, createPrivateKey)).toString('hex').toUpperCase();
}

/** Checks a hex checksum (either case) against the source with FPX's public key or certificate. */
export function verifyChecksum(source: string, hex: string, publicKeyPem: string): boolean {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return false;
  return verify('sha1', Buffer.from(source, 'utf8'), cached(publicKeys, publicKeyPem, createPublicKey), Buffer.from(hex, 'hex'));
}
