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

  it('follows process.env through aliases, node:process, a config module one import deep and zod schemas', () => {
    const names = (...files: ReturnType<typeof file>[]) => findEnvReads(files).map((r) => [r.name, r.hasDefault]);
    expect(names(file("const env = process.env;\nconst e2 = env;\nconst port = Number(env.PORT ?? 3000);\nconst s = e2['STRIPE_WEBHOOK_SECRET'];\nconst { DATABASE_URL, LOG: log = 'info' } = env;"))).toEqual([
      ['PORT', true],
      ['STRIPE_WEBHOOK_SECRET', false],
      ['DATABASE_URL', false],
      ['LOG', true],
    ]);
    expect(names(file("import { env as e } from 'node:process';\nimport proc from 'process';\nconst a = e.FPX_PUBLIC_KEY;\nconst b = proc.env.HOST;"))).toEqual([
      ['FPX_PUBLIC_KEY', false],
      ['HOST', false],
    ]);
    // config.ts exports the alias; server.ts reads through it.
    expect(
      names(
        file('export const env = process.env;\nexport default process.env;', 'src/config.ts'),
        file("import cfg, { env } from './config.js';\nconst p = env.PORT;\nconst d = cfg.DATABASE_URL;\nconst other = notEnv.SECRET;", 'src/server.ts'),
      ),
    ).toEqual([
      ['PORT', false],
      ['DATABASE_URL', false],
    ]);
    expect(
      names(
        file(
          [
            "import { z } from 'zod';",
            'const base = z.object({ PORT: z.coerce.number().default(3000), DATABASE_URL: z.string().url() });',
            'const schema = base.extend({ STRIPE_WEBHOOK_SECRET: z.string(), SENTRY_DSN: z.string().optional() }).strict();',
            'export const env = schema.parse(process.env);',
            'const other = z.object({ NOT_ENV: z.string() }).parse(body);',
          ].join('\n'),
        ),
      ),
    ).toEqual([
      ['PORT', true],
      ['DATABASE_URL', false],
      ['STRIPE_WEBHOOK_SECRET', false],
      ['SENTRY_DSN', true],
    ]);
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
    expect(mapEnvVar('FPX_CERT')?.value).toEqual({ kind: 'fpx-public-key', as: 'pem' });
    expect(mapEnvVar('FPX_BANK_CERT_PATH')?.value).toEqual({ kind: 'fpx-public-key', as: 'file' });
    expect(mapEnvVar('PAYNET_PUBLIC_KEY')?.value).toEqual({ kind: 'fpx-public-key', as: 'pem' });
    expect(mapEnvVar('PSP_SECRET_KEY')?.value).toEqual({ kind: 'secret', provider: 'stripe', key: 'secretKey' });
    expect(mapEnvVar('PORT')?.value).toEqual({ kind: 'placeholder', name: 'port' });
    expect(mapEnvVar('POSTGRES_URL')?.value).toEqual({ kind: 'placeholder', name: 'databaseUrl' });
    expect(mapEnvVar('SHOPEE_PARTNER_KEY')?.provider).toBe('shopee');
    expect(mapEnvVar('SENTRY_DSN')).toBeUndefined();
    expect(mapEnvVar('STRIPE_TOLERANCE_S')).toBeUndefined();
  });
});
