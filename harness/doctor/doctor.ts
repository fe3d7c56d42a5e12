/**
 * `idemgate doctor`: before a long run, checks a config against the running service. It opens the
 * same session `run` does (a fresh, isolated database, the simulated provider APIs, the target
 * started as configured), then checks the target answers, that each provider's genuine delivery
 * is accepted and a forged one refused, and that the ledger and entity mappings read.
 * Nothing here knows any particular service: everything comes from the config.
 */
import { existsSync } from 'node:fs';
import { relative, resolve as resolvePath } from 'node:path';
import { Client } from 'undici';
import type { IdemgateConfig } from '../config.ts';
import { describeError, errorCodeOf, errorMessageOf, isIdemgateError } from '../errors.ts';
import { createEntityReader, createLedgerReader } from '../invariants/ledger-reader.ts';
import type { AnyTableMapping } from '../invariants/table-mapping.ts';
import { knownApis } from '../providers/apis.ts';
import { adapterResolver } from '../providers/registry.ts';
import type { Provider, ProviderSecrets } from '../providers/provider.ts';
import { sendRequest, type HttpResult } from '../replay/deliver.ts';
import { replaySchedule } from '../replay/replay.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import { loadConfig, loadScenarios } from '../runner/load.ts';
import type { Scenario } from '../runner/scenario.ts';
import { openSession, sessionDatabase, type Session } from '../runner/session.ts';
import type { RunningTarget } from '../targets/types.ts';
import { fail, note, ok, skip, type Check } from './check.ts';
import { envCheck } from './env.ts';
import { forgedSecrets } from './forge.ts';
import { sampleFor, scenarioTapes, type Sample } from './samples.ts';

/** The longest doctor waits for any one answer (a delivery, a health probe, a mapping query). */
export const STEP_TIMEOUT_MS = 10_000;

export interface DoctorOptions {
  configFile: string;
  /** Embedded PGlite even when DATABASE_URL is set (`--pglite`). */
  pglite?: boolean;
  /** Called with each check as soon as it is decided, so the console shows progress. */
  onCheck?: (check: Check) => void;
  env?: NodeJS.ProcessEnv;
}

export interface DoctorResult {
  checks: Check[];
  /** 0 every check ok; 1 a check failed; 2 the config could not be loaded (and no missing env var explains it). */
  exit: 0 | 1 | 2;
  ms: number;
}

/** The first 200 characters of a body, on one line. */
const excerpt = (body: string): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
};

async function withTimeout<T>(what: string, promise: Promise<T>, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET `url` once, bounded by STEP_TIMEOUT_MS; never throws. */
async function probe(url: string): Promise<{ http: HttpResult; ms: number }> {
  const target = new URL(url);
  const client = new Client(target.origin);
  const t0 = performance.now();
  try {
    const http = await sendRequest(client, { url: target, method: 'GET', headers: {}, body: Buffer.alloc(0), timeoutMs: STEP_TIMEOUT_MS });
    return { http, ms: performance.now() - t0 };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** A body in a summary line: at most 60 characters. */
const short = (body: string): string => {
  const flat = excerpt(body);
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
};

const ms = (n: number): string => `${Math.round(n)} ms`;

/** Whether the target answers, with its URL, the answer and the time. */
async function targetCheck(config: IdemgateConfig, target: RunningTarget, startMs: number): Promise<Check> {
  const start = config.target.start;
  if (start.kind === 'in-process') return ok('target', `in-process at ${target.baseUrl}, ready in ${ms(startMs)} (database and target)`);
  const path = start.healthPath ?? '/';
  const url = `${target.baseUrl.replace(/\/+$/, '')}${path}`;
  const { http, ms: took } = await probe(url);
  const where = start.kind === 'command' ? `\`${[start.command, ...(start.args ?? [])].join(' ')}\` started in ${ms(startMs)}; ` : '';
  if (http.result === 'answered') {
    const healthy = http.status >= 200 && http.status < 300;
    if (healthy || start.healthPath === undefined) return ok('target', `${where}GET ${url} answered ${http.status} in ${ms(took)}`);
    return fail('target', `GET ${url} answered ${http.status}, not 2xx`, `make target.start.healthPath (${path}) answer 2xx once the service is ready, or point it at a route that does`, http.body === '' ? undefined : [excerpt(http.body)]);
  }
  if (http.result === 'error') {
    return fail(
      'target',
      `nothing answers at ${target.baseUrl}: ${http.error}`,
      start.kind === 'url' ? `start the service so it listens at ${start.baseUrl}, or correct target.start.baseUrl in the config` : 'check the port the service listens on: it must use PORT (or {port}) from the harness',
    );
  }
  return fail('target', `GET ${url} did not answer within ${STEP_TIMEOUT_MS / 1000} s`, `check that the service at ${target.baseUrl} is not stuck (and that target.start.healthPath answers quickly)`);
}

/** What a failed session open means and what to do about it. */
function sessionFailure(e: unknown, config: IdemgateConfig, database: string): Check {
  const code = errorCodeOf(e);
  const message = errorMessageOf(e);
  const [first, ...rest] = message.split('\n');
  const detail = rest.length > 0 ? rest.map((l) => l.trim()).filter(Boolean) : undefined;
  switch (code) {
    case 'TARGET_UNHEALTHY':
      return fail('target', first!, 'make target.start.healthPath answer 2xx once the service is ready (or raise target.start.startTimeoutMs if it starts slowly)', detail);
    case 'TARGET_START_FAILED':
    case 'TARGET_UNREACHABLE': {
      const start = config.target.start;
      const fix =
        start.kind === 'command'
          ? 'fix target.start (command, args, cwd, env) so the service starts; its last output is above'
          : start.kind === 'url'
            ? `start the service at ${start.baseUrl}, or correct target.start.baseUrl`
            : 'the in-process start function threw: fix it (or the service it starts)';
      return fail('target', first!, fix, detail);
    }
    case 'DB_UNREACHABLE':
      return fail('database', `${database}: ${first!}`, 'check DATABASE_URL (or database.url), or pass --pglite for embedded PGlite', detail);
    case 'DB_QUERY_FAILED':
      return fail('database', `${database}: preparing the database failed: ${first!}`, 'fix database.migrate in the config (it must create the schema on an empty database)', detail);
    default:
      return fail('setup', describeError(e), 'fix the config part the message names', detail);
  }
}

/** Where the signature of each built-in provider travels, for a forged delivery's fix line. */
const VERIFY_HINT: Readonly<Record<string, string>> = {
  stripe: 'verify the Stripe-Signature header (HMAC-SHA256 of "t.payload" with the endpoint secret; the SDK\'s constructEvent does it) and answer 400 when it does not match',
  shopee: 'verify the Authorization header (HMAC-SHA256 of the callback URL and the raw body with the partner key) and answer non-2xx when it does not match',
  fpx: 'verify fpx_checkSum (RSA-SHA1 with the FPX public key) before acting on an AC, and answer anything but OK when it does not match',
  'fpx-indirect': 'verify fpx_checkSum (RSA-SHA1 with the FPX public key) of the browser redirect, and refuse it when it does not match',
  billplz: 'verify x_signature (HMAC-SHA256 with the X Signature key) and answer non-2xx when it does not match',
};

/** What to look at when a genuine delivery is refused on signature grounds. */
function secretHint(provider: string, secrets: ProviderSecrets, url: string): string {
  switch (provider) {
    case 'stripe':
      return 'the service must verify with the same secret as providers.stripe.endpointSecret: check the env var it reads its webhook secret from';
    case 'shopee':
      return `the service must verify with providers.shopee.partnerKey over the URL it was signed over (${secrets['callbackUrl'] || url}); if the service verifies over its own callback URL, set providers.shopee.callbackUrl to it`;
    case 'fpx':
    case 'fpx-indirect':
      return `the FPX public key the service verifies with must pair with providers.${provider}.privateKeyPem`;
    case 'billplz':
      return 'the service must verify with the same key as providers.billplz.xSignatureKey';
    default:
      return `the service must verify with the secrets in providers.${provider} (${Object.keys(secrets).join(', ')})`;
  }
}

const describeOutcome = (o: DeliveryOutcome): string =>
  o.result === 'answered' ? `${o.status}${o.body ? `: ${short(o.body)}` : ''}` : o.result === 'error' ? `no answer: ${o.error}` : `${o.result} (no answer)`;

/** Sends the sample once, signed with `secrets`: the one outcome, or the error that stopped it. */
async function deliver(
  sample: Sample,
  adapter: Provider,
  secrets: ProviderSecrets,
  config: IdemgateConfig,
  target: RunningTarget,
  now: Date,
): Promise<DeliveryOutcome> {
  const [outcome] = await replaySchedule(
    { steps: [{ kind: 'send', delivery: { exchange: 0 } }] },
    {
      tape: sample.tape,
      providers: () => adapter,
      baseUrl: target.baseUrl,
      ...(config.target.endpoints === undefined ? {} : { endpoints: config.target.endpoints }),
      secrets: { [sample.provider]: secrets },
      requestTimeoutMs: Math.min(config.target.requestTimeoutMs ?? 5000, STEP_TIMEOUT_MS),
      redeliveryRounds: 0,
      now: () => now,
      ...(target.inFlight === undefined ? {} : { inFlight: target.inFlight }),
    },
  );
  return outcome!;
}

/** Whether two signings are the same request: an adapter that signs nothing with its secrets cannot be forged. */
function signsWithSecrets(adapter: Provider, sample: Sample, genuine: ProviderSecrets, forged: ProviderSecrets, url: string, now: Date): boolean {
  const sign = (secrets: ProviderSecrets) => {
    const s = adapter.sign(sample.exchange, { secrets, now, url, attempt: 1 });
    return JSON.stringify([s.headers, s.body.toString('base64'), s.query]);
  };
  try {
    return sign(genuine) !== sign(forged);
  } catch {
    return true; // signing errors show up, with their message, when the delivery is sent
  }
}

/** The checks of one provider: a forged delivery refused (sent first, so no redelivery shortcut hides it), the genuine one accepted. */
async function providerChecks(sample: Sample, adapter: Provider, secrets: ProviderSecrets, config: IdemgateConfig, target: RunningTarget): Promise<Check[]> {
  const name = sample.provider;
  const path = config.target.endpoints?.[name] ?? sample.exchange.path.split('?')[0]!;
  const url = `${target.baseUrl.replace(/\/+$/, '')}${path}`;
  const route = `${sample.exchange.method} ${path}`;
  const now = new Date();
  const forged = forgedSecrets(secrets);
  const forgeable = signsWithSecrets(adapter, sample, secrets, forged, url, now);
  const checks: Check[] = [];
  let forgedOutcome: DeliveryOutcome | undefined;
  try {
    if (forgeable) forgedOutcome = await deliver(sample, adapter, forged, config, target, now);
    const genuine = await deliver(sample, adapter, secrets, config, target, now);
    if (forgedOutcome?.acknowledged === true) {
      checks.push(
        fail(
          name,
          `the service accepts unsigned/forged ${name} deliveries: ${route} signed with wrong secrets got ${describeOutcome(forgedOutcome)}`,
          `${VERIFY_HINT[name] ?? `verify the ${name} signature before acting on a delivery and answer non-2xx when it does not match`} — anyone who can reach this endpoint can fake ${name} events`,
        ),
      );
    }
    if (!genuine.acknowledged) {
      const status = genuine.status;
      const fix =
        status === 404 || status === 405
          ? `no route for ${route}: set target.endpoints.${name} to the path the service receives ${name} deliveries on`
          : status !== undefined && status >= 500
            ? `the service failed on a genuine ${name} event (see the body and its logs); if it calls the provider's API, it must take that API's base URL from the variable the harness sets (${knownApis(config.apis).map((a) => a.baseUrlEnv).join(', ')})`
            : secretHint(name, secrets, url);
      const refusedToo = forgedOutcome !== undefined && !forgedOutcome.acknowledged ? ' (the forged one was refused too, which proves nothing until the genuine one is accepted)' : '';
      checks.push(
        fail(
          name,
          `genuine delivery refused: ${genuine.result === 'answered' ? String(status) : describeOutcome(genuine)} from ${route} (${sample.source})${refusedToo}`,
          fix,
          genuine.result === 'answered' && genuine.body ? [`body: ${excerpt(genuine.body)}`] : undefined,
        ),
      );
    }
    if (checks.length === 0) {
      const forgedText = forgedOutcome === undefined ? `; not forgeable (the ${name} adapter signs nothing with providers.${name})` : `; forged one refused (${describeOutcome(forgedOutcome)})`;
      checks.push(ok(name, `genuine delivery accepted (${genuine.status} in ${ms(genuine.durationMs)}: ${route}, ${sample.source})${forgedText}`));
    }
  } catch (e) {
    const fix = isIdemgateError(e, 'SIGNING_FAILED') ? `fix providers.${name} in the config: idemgate cannot sign with it` : `check target.endpoints.${name} and that the service is still up`;
    checks.push(fail(name, `cannot deliver ${route}: ${errorMessageOf(e)}`, fix));
  }
  return checks;
}

/** `table X` or `the mapping sql`: how a check names a mapping's source. */
const sourceLabel = (m: AnyTableMapping): string => (m.table ? `table ${m.table}` : 'sql');

/** Reads a mapping once through the reader the invariants use: its row count, or what is wrong with it. */
async function mappingCheck(name: 'ledger' | 'entities', mapping: AnyTableMapping, read: () => Promise<number>): Promise<Check> {
  try {
    const rows = await withTimeout(`reading the ${name} mapping`, read());
    return ok(name, `${sourceLabel(mapping)}: ${rows} row${rows === 1 ? '' : 's'} after doctor's deliveries`);
  } catch (e) {
    const message = errorMessageOf(e).replace(/ \(mapping: .*\)$/s, '');
    const details = isIdemgateError(e, 'LEDGER_MAPPING_INVALID') ? e.details : {};
    const key = /\(columns\.(\w+)\)/.exec(message)?.[1];
    const fix =
      key !== undefined
        ? `check ${name}.columns.${key} in the config: it must name a column of ${details.table ?? 'the mapped source'}`
        : details.table !== undefined
          ? `check ${name}.table in the config: it must name the table the service keeps its ${name === 'ledger' ? 'ledger entries' : 'entities and their status'} in (schema-qualified if not in public)`
          : `check ${name}.${mapping.sql ? 'sql' : 'table'} in the config`;
    return fail(name, message, fix);
  }
}

/** Runs every check; `onCheck` sees each one as it is decided. Never throws for what it checks. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const t0 = performance.now();
  const checks: Check[] = [];
  const emit = (...cs: Check[]): void => {
    for (const c of cs) {
      checks.push(c);
      options.onCheck?.(c);
    }
  };
  const done = (exit?: 0 | 1 | 2): DoctorResult => ({
    checks,
    exit: exit ?? (checks.some((c) => c.status === 'fail') ? 1 : 0),
    ms: performance.now() - t0,
  });

  let loaded: { config: IdemgateConfig; rootDir: string };
  try {
    loaded = await loadConfig(options.configFile);
  } catch (e) {
    // A config that reads a missing variable as it loads fails here: the env check names it.
    const env = existsSync(options.configFile) ? envCheck(options.configFile, undefined, options.env) : undefined;
    if (env !== undefined) emit(env);
    const missingEnv = env?.status === 'fail';
    const fix = missingEnv
      ? 'set the variables above: the config reads them as it loads'
      : env === undefined
        ? 'pass the path of your config with --config, or write one with idemgate init'
        : `correct what the message names in ${relative(process.cwd(), options.configFile) || options.configFile}`;
    emit(fail('config', errorMessageOf(e), fix));
    return done(missingEnv ? 1 : 2);
  }
  const { config, rootDir } = loaded;
  emit(envCheck(options.configFile, config, options.env));

  // The deliveries to send: one per provider with an endpoint or on the scenarios' tapes.
  let scenarios: Scenario[] = [];
  const scenariosDir = config.scenarios ?? 'scenarios';
  try {
    scenarios = await loadScenarios(resolvePath(rootDir, scenariosDir));
  } catch (e) {
    if (isIdemgateError(e, 'CONFIG_INVALID') && /does not exist/.test(e.message)) {
      emit(note('scenarios', `no scenarios folder (${scenariosDir}): deliveries come from idemgate's sample tapes`));
    } else {
      emit(fail('scenarios', errorMessageOf(e), `fix the scenario files in ${scenariosDir}/`));
    }
  }
  let tapes: Awaited<ReturnType<typeof scenarioTapes>> = [];
  try {
    tapes = await scenarioTapes(scenarios, rootDir);
  } catch (e) {
    emit(fail('scenarios', errorMessageOf(e), 'fix the tape paths the scenarios name (relative to the config file)'));
  }
  const endpoints = config.target.endpoints ?? {};
  const names = [...new Set([...Object.keys(endpoints), ...tapes.flatMap(({ tape }) => tape.exchanges.map((x) => x.provider))])];
  const plan: { sample: Sample; adapter: Provider; secrets: ProviderSecrets }[] = [];
  const unsigned: string[] = [];
  let resolve: (name: string) => Provider;
  try {
    resolve = adapterResolver(config);
  } catch (e) {
    emit(fail('providers', errorMessageOf(e), 'fix providerSettings in the config'));
    resolve = adapterResolver();
  }
  for (const name of names) {
    let adapter: Provider;
    try {
      adapter = resolve(name);
    } catch (e) {
      emit(fail(name, errorMessageOf(e), `add an adapter for "${name}" under adapters in the config, or correct the provider name`));
      continue;
    }
    const secrets = config.providers[name];
    if (secrets === undefined) {
      emit(fail(name, `no providers.${name} in the config: idemgate cannot sign ${name} deliveries`, `add providers.${name}: { … } with the test secrets the service verifies ${name} deliveries with`));
      continue;
    }
    if (Object.keys(secrets).length === 0 && !(name in endpoints)) {
      unsigned.push(name);
      continue;
    }
    const sample = await sampleFor(name, adapter, tapes, name in endpoints).catch(() => undefined);
    if (sample === undefined) {
      emit(skip(name, `no ${name} event on the scenarios' tapes to send: add a scenario whose tape has one`));
      continue;
    }
    plan.push({ sample, adapter, secrets });
  }
  if (unsigned.length > 0) emit(note('unsigned', `${unsigned.join(', ')}: no secrets (they sign nothing), so no forged delivery to refuse; not sent`));

  // The session `run` opens, without the mappings: doctor reads those itself, to report each.
  const choice = sessionDatabase({ config, ...(options.pglite ? { databaseUrl: null } : {}) });
  const databaseText =
    choice.kind === 'pglite' ? 'embedded PGlite' : `PostgreSQL at ${new URL(choice.url).host}`;
  const { ledger, entities, ...sessionConfig } = config;
  let session: Session;
  const started = performance.now();
  try {
    session = await openSession({ config: sessionConfig, rootDir, tapes: plan.map((p) => p.sample.tape), ...(options.pglite ? { databaseUrl: null } : {}) });
  } catch (e) {
    emit(sessionFailure(e, config, databaseText));
    emit(skip('checks', 'deliveries and mappings not checked: nothing to check them against'));
    return done();
  }
  try {
    const startMs = performance.now() - started;
    emit(
      ok(
        'database',
        choice.kind === 'pglite'
          ? 'embedded PGlite, fresh for this check and discarded after it'
          : `${databaseText}: a fresh database created beside ${new URL(choice.url).pathname.slice(1) || 'it'} and dropped after the check`,
      ),
    );
    const target = await targetCheck(config, session.target, startMs);
    emit(target);
    if (config.target.start.kind === 'url' && target.status === 'ok' && plan.length > 0) {
      emit(
        note(
          'database',
          `the service at ${config.target.start.baseUrl} keeps its own database: the genuine deliveries below (one per provider, an event that moves no money where the tape has one) are booked there for real; the mappings are read from idemgate's database, as run reads them`,
        ),
      );
    }
    for (const { sample, adapter, secrets } of plan) {
      if (target.status === 'fail') emit(skip(sample.provider, 'not sent: the target does not answer'));
      else emit(...(await providerChecks(sample, adapter, secrets, config, session.target)));
    }
    const db = session.database;
    emit(
      ledger === undefined
        ? note('ledger', 'not configured: money invariants will be not applicable')
        : await mappingCheck('ledger', ledger, async () => (await (await createLedgerReader(db, ledger)).rows()).length),
    );
    emit(
      entities === undefined
        ? note('entities', 'not configured: status invariants (final-status, no-resurrection) will be not applicable')
        : await mappingCheck('entities', entities, async () => (await (await createEntityReader(db, entities)).rows()).length),
    );
  } finally {
    await session.close();
  }
  return done();
}

/** The config file as the console shows it: relative to the working folder when inside it. */
export const shownPath = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
};
