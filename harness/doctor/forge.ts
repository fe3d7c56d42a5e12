/**
 * Secrets an attacker would sign with: the configured ones with every signing key replaced by
 * another of the same kind. A delivery signed with them is forged; a service that checks
 * signatures refuses it.
 */
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ProviderSecrets } from '../providers/provider.ts';

const PRIVATE_KEY = /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
/** Values that are not keys: what is signed over (a callback URL) or what verifies (a public key). */
const NOT_A_KEY = /^https?:\/\/|-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/;

/** A fresh private key of the same type and size as `pem` (an RSA key for an RSA key). */
function otherPrivateKey(pem: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return pem.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
  }
  const pem8 = { type: 'pkcs8', format: 'pem' } as const;
  const spki = { type: 'spki', format: 'pem' } as const;
  if (key.asymmetricKeyType === 'ec') {
    const namedCurve = key.asymmetricKeyDetails?.namedCurve ?? 'prime256v1';
    return generateKeyPairSync('ec', { namedCurve, privateKeyEncoding: pem8, publicKeyEncoding: spki }).privateKey;
  }
  if (key.asymmetricKeyType === 'ed25519') return generateKeyPairSync('ed25519', { privateKeyEncoding: pem8, publicKeyEncoding: spki }).privateKey;
  const modulusLength = key.asymmetricKeyDetails?.modulusLength ?? 2048;
  return generateKeyPairSync('rsa', { modulusLength, privateKeyEncoding: pem8, publicKeyEncoding: spki }).privateKey;
}

/** Another string of the same length and alphabet-ish shape: a different HMAC key, token or id. */
function otherSecret(value: string): string {
  if (value === '') return 'forged';
  const hex = createHash('sha256').update(`idemgate-doctor:${value}`).digest('hex');
  let out = '';
  while (out.length < value.length) out += hex;
  return out.slice(0, value.length);
}

/**
 * The configured secrets with each signing key replaced: private keys by fresh ones of the same
 * type, other values by different strings of the same length; URLs and public keys are kept.
 *
 * @example
 * forgedSecrets({ endpointSecret: 'whsec_test' }); // { endpointSecret: '5d2c…' } (10 characters)
 */
export function forgedSecrets(secrets: ProviderSecrets): ProviderSecrets {
  return Object.fromEntries(
    Object.entries(secrets).map(([k, v]) => [k, NOT_A_KEY.test(v) ? v : PRIVATE_KEY.test(v) ? otherPrivateKey(v) : otherSecret(v)]),
  );
}
