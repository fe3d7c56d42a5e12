import { describe, expect, it } from 'vitest';
import { findEnvReads, mapEnvVar } from './env-vars.ts';
import { parseSource } from './source-files.ts';

const file = (text: string, rel = 'src/main.ts') => parseSource(`/p/${rel}`, text, rel);

describe('env vars the service reads', () => {
  it('finds process.env.X, process.env["X"], destructuring and env helpers, with defaults', () => {
    const reads = findEnvReads([
      file(
        [
          "const port = Number(process.env.PORT ?? '3000');",
          "const url = process.env['DATABASE_URL'];",
          "const { STRIPE_WEBHOOK_SECRET, LOG_LEVEL = 'info' } = process.env;",
          'function env(name: string, fallback?: string): string { return process.env[name] ?? fallback ?? fail(name); }',
          "const key = env('SHOPEE_PARTNER_KEY');",
          "const tol = env('STRIPE_TOLERANCE_S', '300');",
          "const dynamic = env(someVariable);",
          '// process.env.IN_A_COMMENT is not a read',
        ].join('\n'),
      ),
    ]);
    expect(reads.map((r) => [r.name, r.hasDefault, r.where])).toEqual([
      ['PORT', true, 'src/main.ts:1'],
      ['DATABASE_URL', false, 'src/main.ts:2'],
      ['STRIPE_WEBHOOK_SECRET', false, 'src/main.ts:3'],
      ['LOG_LEVEL', true, 'src/main.ts:3'],
      ['SHOPEE_PARTNER_KEY', false, 'src/main.ts:5'],
      ['STRIPE_TOLERANCE_S', true, 'src/main.ts:6'],
    ]);
  });

  it('a variable read once without a default counts as required', () => {
    const reads = findEnvReads([file("const a = process.env.API_KEY ?? 'x';"), file('const b = process.env.API_KEY;', 'src/b.ts')]);
    expect(reads).toEqual([{ name: 'API_KEY', where: 'src/main.ts:1', hasDefault: false }]);
  });

  it('maps provider secrets to the harness test secrets and the rest to placeholders', () => {
    expect(mapEnvVar('STRIPE_WEBHOOK_SECRET')?.value).toEqual({ kind: 'secret', provider: 'stripe', key: 'endpointSecret' });
    expect(mapEnvVar('STRIPE_ENDPOINT_SECRET')?.value).toEqual({ kind: 'secret', provider: 'stripe', key: 'endpointSecret' });
    expect(mapEnvVar('SHOPEE_PARTNER_KEY')?.value).toEqual({ kind: 'secret', provider: 'shopee', key: 'partnerKey' });
    expect(mapEnvVar('SHOPEE_PARTNER_ID')?.value).toEqual({ kind: 'secret', provider: 'shopee', key: 'partnerId' });
    expect(mapEnvVar('SHOPEE_SHOP_ID')?.value).toEqual({ kind: 'secret', provider: 'shopee', key: 'shopId' });
    expect(mapEnvVar('SHOPEE_ACCESS_TOKEN')?.value).toEqual({ kind: 'secret', provider: 'shopee', key: 'accessToken' });
    expect(mapEnvVar('SHOPEE_API_BASE')?.value).toEqual({ kind: 'placeholder', name: 'SHOPEE_API_BASE' });
    // The URL the service verifies push signatures over: the harness signs over the same one.
    expect(mapEnvVar('SHOPEE_CALLBACK_URL')?.value).toEqual({ kind: 'secret', provider: 'shopee', key: 'callbackUrl' });
    expect(mapEnvVar('SHOPEE_PUSH_URL')?.value).toEqual({ kind: 'secret', provider: 'shopee', key: 'callbackUrl' });
    expect(mapEnvVar('FPX_PUBLIC_KEY_PEM')?.value).toEqual({ kind: 'fpx-public-key', as: 'pem' });
    expect(mapEnvVar('FPX_PUBLIC_KEY_FILE')?.value).toEqual({ kind: 'fpx-public-key', as: 'file' });
    expect(mapEnvVar('PSP_SECRET_KEY')?.value).toEqual({ kind: 'secret', provider: 'stripe', key: 'secretKey' });
    expect(mapEnvVar('PORT')?.value).toEqual({ kind: 'placeholder', name: 'port' });
    expect(mapEnvVar('POSTGRES_URL')?.value).toEqual({ kind: 'placeholder', name: 'databaseUrl' });
    expect(mapEnvVar('SHOPEE_PARTNER_KEY')?.provider).toBe('shopee');
    expect(mapEnvVar('SENTRY_DSN')).toBeUndefined();
    expect(mapEnvVar('STRIPE_TOLERANCE_S')).toBeUndefined();
  });
});
