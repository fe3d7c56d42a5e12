/** A fresh FPX test key pair (RSA 2048, PEM): the harness signs with the private key, the service verifies with the public one. */
import { generateKeyPairSync } from 'node:crypto';

export function generateFpxTestKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
