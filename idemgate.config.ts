/**
 * idemgate's configuration for the bundled reference merchant service
 * (fixtures/merchant-service). A config for your own service has the same shape: how to start
 * it, where each provider delivers, the test secrets it verifies with, and where its ledger is.
 *
 * IDEMGATE_TARGET=process runs the service as a child process (`tsx src/main.ts`), the way a
 * service in any language runs; the default starts it in this process (faster).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ClientApiConfig, type TargetStart } from './harness/index.ts';
import { createApp } from './fixtures/merchant-service/src/app.ts';
import { connect, migrate } from './fixtures/merchant-service/src/db.ts';

const key = (file: string): string => readFileSync(new URL(`./fixtures/keys/${file}`, import.meta.url), 'utf8');

const secrets = {
  shopee: {
    partnerId: process.env.SHOPEE_PARTNER_ID ?? '2001234',
    partnerKey: process.env.SHOPEE_PARTNER_KEY ?? 'shpk_test_4f1c2a9e',
    shopId: process.env.SHOPEE_SHOP_ID ?? '727720655',
    accessToken: process.env.SHOPEE_ACCESS_TOKEN ?? 'test_access_token',
  },
  fpx: { privateKeyPem: key('fpx-test-private.pem'), publicKeyPem: key('fpx-test-public.pem') },
  // The browser's Indirect AC is signed like the Direct AC.
  'fpx-indirect': { privateKeyPem: key('fpx-test-private.pem'), publicKeyPem: key('fpx-test-public.pem') },
  billplz: { xSignatureKey: process.env.BILLPLZ_X_SIGNATURE_KEY ?? 'billplz_xsig_test_9c1e' },
  stripe: {
    endpointSecret: process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_test_idemgate',
    /** The PSP API secret key the merchant charges with (the simulated PSP checks it). */
    secretKey: process.env.PSP_SECRET_KEY ?? 'sk_test_idemgate',
  },
  /** The merchant's own API clients (POST /charges, /refunds) sign nothing (see `clientApis`). */
  'merchant-client': {},
  /** The merchant's own status-enquiry cron ticks (POST /jobs/fpx-enquiry) sign nothing. */
  'fpx-enquiry-tick': {},
};

/**
 * The key the merchant signs its AE status enquiries with. A test key stands in for the
 * merchant's exchange key: the simulated FPX checks the AE checksum's shape, not whose it is.
 */
const FPX_SELLER_TEST_KEY = key('fpx-test-private.pem');

/** The merchant's upstream client timeout (ms); upstream `timeouts` faults hold answers longer than this. */
export const UPSTREAM_TIMEOUT_MS = 300;
/** A client retrying while its first request still calls the PSP waits this long for that answer before a 409. */
const IDEMPOTENCY_WAIT_MS = 4000;
/**
 * How long the service started for crashing (`target.crashStart`, `mutation.crashStart`) keeps a
 * client key locked by a request that died with it (guard `idempotency-key-lock-expiry`; the
 * service's own default is at least a minute): above the longest live request these settings
 * allow — 4 PSP attempts × (300 ms timeout + at most 800 ms back-off) = 4.4 s — so a slow request
 * is never taken over, and short enough for the crash-restart scenario's client to retry after it.
 * Only the crashing scenario's target gets it: elsewhere the minute-long lock is what makes a key
 * never given back (guard `idempotency-key-release-on-failure` deleted) answer 409 for good.
 */
export const KEY_LOCK_TTL_MS = 5000;
const forCrashing = (start: Extract<TargetStart, { kind: 'command' }>): Extract<TargetStart, { kind: 'command' }> => ({
  ...start,
  env: { ...start.env, IDEMPOTENCY_LOCK_TTL_MS: String(KEY_LOCK_TTL_MS) },
});
/** Which idempotency profile the service answers by (and `clientApis` judges by): IDEMPOTENCY_PROFILE=stripe, default ietf. */
const IDEMPOTENCY_PROFILE: 'ietf' | 'stripe' = process.env.IDEMPOTENCY_PROFILE === 'stripe' ? 'stripe' : 'ietf';

/** The Shopee shop's currency the service books escrow in (SHOPEE_CURRENCY, default MYR; `shopee-vn.jsonl` is a VND shop). */
const SHOPEE_CURRENCY = process.env.SHOPEE_CURRENCY ?? 'MYR';

/** The service started in this process, as the config's default start does; options change what it is told. */
export const inProcess = (options: { shopeeCurrency?: string } = {}): TargetStart =>
  inProcessAs(IDEMPOTENCY_PROFILE, options.shopeeCurrency ?? SHOPEE_CURRENCY);

const inProcessAs = (idempotencyProfile: 'ietf' | 'stripe', shopeeCurrency = SHOPEE_CURRENCY): TargetStart => ({
  kind: 'in-process',
  start: async ({ database, env }) => {
    const db =
      database.native.kind === 'pglite' ? connect({ pglite: database.native.client }) : connect({ url: database.url! });
    const app = createApp({
      db,
      config: {
        shopee: { ...secrets.shopee, apiBase: env.SHOPEE_API_BASE!, currency: shopeeCurrency },
        fpx: { publicKeyPem: secrets.fpx.publicKeyPem, aeBase: env.FPX_AE_BASE!, sellerPrivateKeyPem: FPX_SELLER_TEST_KEY },
        billplz: { xSignatureKey: secrets.billplz.xSignatureKey },
        stripe: { endpointSecret: secrets.stripe.endpointSecret, toleranceS: 300 },
        psp: { apiBase: env.PSP_API_BASE!, secretKey: secrets.stripe.secretKey },
        upstream: { timeoutMs: UPSTREAM_TIMEOUT_MS, retry: { maxAttempts: 4, baseBackoffMs: 100 } },
        idempotencyWaitMs: IDEMPOTENCY_WAIT_MS,
        idempotencyProfile,
      },
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const address = app.address();
    if (typeof address !== 'object' || address === null) throw new Error('merchant service did not bind a port');
    return {
      baseUrl: `http://127.0.0.1:${address.port}`,
      inFlight: () => app.inFlight(),
      handlingMs: () => app.handlingMs(),
      stop: async () => {
        app.closeAllConnections();
        await new Promise<void>((resolve) => app.close(() => resolve()));
        if (db.$client !== (database.native.kind === 'pglite' ? database.native.client : undefined)) {
          await (db.$client as { end(): Promise<void> }).end();
        }
      },
    };
  },
});

/** The service as a child process; `serviceDir` may be a copy of it (a mutant). */
export const childProcess = (serviceDir = 'fixtures/merchant-service'): Extract<TargetStart, { kind: 'command' }> => ({
  kind: 'command',
  command: process.execPath,
  args: ['--import', 'tsx', `${serviceDir}/src/main.ts`],
  cwd: new URL('.', import.meta.url).pathname,
  healthPath: '/health',
  env: {
    PORT: '{port}',
    DATABASE_URL: '{databaseUrl}',
    SHOPEE_API_BASE: '{SHOPEE_API_BASE}',
    SHOPEE_PARTNER_ID: secrets.shopee.partnerId,
    SHOPEE_PARTNER_KEY: secrets.shopee.partnerKey,
    SHOPEE_SHOP_ID: secrets.shopee.shopId,
    SHOPEE_ACCESS_TOKEN: secrets.shopee.accessToken,
    SHOPEE_CURRENCY,
    FPX_PUBLIC_KEY_PEM: secrets.fpx.publicKeyPem,
    FPX_AE_BASE: '{FPX_AE_BASE}',
    FPX_SELLER_PRIVATE_KEY_PEM: FPX_SELLER_TEST_KEY,
    BILLPLZ_X_SIGNATURE_KEY: secrets.billplz.xSignatureKey,
    STRIPE_WEBHOOK_SECRET: secrets.stripe.endpointSecret,
    PSP_API_BASE: '{PSP_API_BASE}',
    PSP_SECRET_KEY: secrets.stripe.secretKey,
    UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    IDEMPOTENCY_WAIT_MS: String(IDEMPOTENCY_WAIT_MS),
    IDEMPOTENCY_PROFILE,
  },
});

/** A mutant's copy of the service, started like `childProcess` but from the copy (which migrates itself). */
const mutantProcess = (copyDir: string): Extract<TargetStart, { kind: 'command' }> => ({
  ...childProcess(),
  args: ['--import', 'tsx', join(copyDir, 'src/main.ts')],
  // The copy's parent holds a node_modules link, so `--import tsx` and the service's imports resolve.
  cwd: dirname(copyDir),
});

/**
 * The reference service's own API for its clients, as configuration: POST /charges
 * `{order_ref, amount, currency}` books money in under `order_ref`, POST /refunds
 * `{refund_ref, order_ref, amount, currency}` money out under `refund_ref`, replayed with its
 * charge. Its answers follow the IETF draft (IDEMPOTENCY_PROFILE=stripe switches the service and
 * this profile together); its clients retry after 100 ms, doubling, with jitter, replayed at a
 * tenth of real time.
 */
export const merchantClientApi = (profile: 'ietf' | 'stripe' = IDEMPOTENCY_PROFILE): ClientApiConfig => ({
  profile,
  routes: [
    {
      name: 'charge',
      path: '/charges',
      effect: { reference: 'body.order_ref', amount: 'body.amount', currency: 'body.currency', direction: 'in' },
    },
    {
      name: 'refund',
      path: '/refunds',
      group: 'body.order_ref',
      effect: { reference: 'body.refund_ref', amount: 'body.amount', currency: 'body.currency', direction: 'out' },
    },
  ],
  retry: { attempts: 4, baseMs: 100, factor: 2, maxMs: 2000, jitter: 0.5, timeScale: 0.1 },
});

/**
 * The config for the reference service answering by `serviceProfile`, its client API judged by
 * `judgedBy` (the same by default; another one shows a profile mismatch is caught).
 */
export const referenceConfig = (serviceProfile: 'ietf' | 'stripe' = IDEMPOTENCY_PROFILE, judgedBy: ClientApiConfig['profile'] = serviceProfile) => defineConfig({
  target: {
    start: process.env.IDEMGATE_TARGET === 'process' ? childProcess() : inProcessAs(serviceProfile),
    // The crash-restart scenario kills the service: it runs as a child process even when the rest run in-process.
    crashStart: forCrashing(childProcess()),
    endpoints: { shopee: '/webhooks/shopee', fpx: '/webhooks/fpx/direct-ac', stripe: '/webhooks/stripe' },
    requestTimeoutMs: 5000,
  },
  providers: secrets,
  clientApis: { 'merchant-client': { ...merchantClientApi(), profile: judgedBy } },
  database: {
    // In-process, the harness asks the service to migrate; as a process it migrates itself on start.
    migrate: process.env.IDEMGATE_TARGET === 'process' ? undefined : async (database) => {
      const db =
        database.native.kind === 'pglite' ? connect({ pglite: database.native.client }) : connect({ url: database.url! });
      await migrate(db);
      if (database.native.kind !== 'pglite') await (db.$client as { end(): Promise<void> }).end();
    },
    // What the migration builds the schema from: on PGlite the migrated database is snapshotted
    // once per version of these files and loaded by later sessions.
    schemaFiles: ['fixtures/merchant-service/drizzle'],
  },
  ledger: {
    table: 'ledger_entries',
    columns: { txnId: 'txn_id', account: 'account', amount: 'amount_minor', currency: 'currency', reference: 'reference' },
    sign: 'debit-positive',
    // Where the merchant's money sits; an FPX settlement moves it from fpx_clearing to bank.
    cashAccounts: ['shopee_wallet', 'fpx_clearing', 'psp_clearing', 'billplz_clearing', 'bank'],
  },
  entities: {
    table: 'orders',
    columns: { provider: 'provider', entity: 'order_ref', status: 'status' },
    // The service stores the status of Stripe payment intents only: a subscription or charge a
    // tape delivers is not held here, so final-status and no-resurrection skip it.
    providers: { shopee: '', fpx: '', billplz: '', stripe: '^pi_' },
  },
  mutation: {
    root: 'fixtures/merchant-service',
    sources: ['src/**/*.ts', 'drizzle/*.sql'],
    start: mutantProcess,
    crashStart: (copyDir) => forCrashing(mutantProcess(copyDir)),
    // After a schema mutant (unique operator), drizzle-kit writes the migration that drops the index.
    regenerate: {
      command: process.execPath,
      args: [
        fileURLToPath(new URL('./node_modules/drizzle-kit/bin.cjs', import.meta.url)),
        'generate',
        '--dialect=postgresql',
        '--schema=src/schema.ts',
        '--out=drizzle',
      ],
    },
  },
});

export default referenceConfig();
