import { readFileSync } from 'node:fs';

/** Where the checked-in FPX test key pair lives (TEST ONLY: never a real FPX key). */
export const FPX_TEST_PRIVATE_KEY_URL = new URL('../../../fixtures/keys/fpx-test-private.pem', import.meta.url);
export const FPX_TEST_PUBLIC_KEY_URL = new URL('../../../fixtures/keys/fpx-test-public.pem', import.meta.url);

// A type alias (not an interface) so it is assignable to ProviderSecrets.
export type FpxKeys = { privateKeyPem: string; publicKeyPem: string };

/**
 * The repository's RSA-2048 FPX test key pair, shaped as FPX provider secrets.
 *
 * @example
 * defineConfig({ providers: { fpx: { ...loadFpxTestKeys() } }, … });
 */
export function loadFpxTestKeys(): FpxKeys {
  return {
    privateKeyPem: readFileSync(FPX_TEST_PRIVATE_KEY_URL, 'utf8'),
    publicKeyPem: readFileSync(FPX_TEST_PUBLIC_KEY_URL, 'utf8'),
  };
}
