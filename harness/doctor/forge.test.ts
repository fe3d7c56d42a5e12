import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forgedSecrets } from './forge.ts';

describe('forgedSecrets', () => {
  it('replaces every signing key by another of the same shape, keeping URLs and public keys', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const secrets = { endpointSecret: 'whsec_test', callbackUrl: 'https://shop.example/push', privateKeyPem: privateKey, publicKeyPem: publicKey };
    const forged = forgedSecrets(secrets);
    expect(forged.endpointSecret).not.toBe(secrets.endpointSecret);
    expect(forged.endpointSecret).toHaveLength(secrets.endpointSecret.length);
    expect(forged.callbackUrl).toBe(secrets.callbackUrl);
    expect(forged.publicKeyPem).toBe(publicKey);
    expect(forged.privateKeyPem).not.toBe(privateKey);
    const key = createPrivateKey(forged.privateKeyPem!);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });

  it('is deterministic for plain secrets and changes an empty one', () => {
    expect(forgedSecrets({ k: 'abc' })).toEqual(forgedSecrets({ k: 'abc' }));
    expect(forgedSecrets({ k: '' }).k).not.toBe('');
  });
});
