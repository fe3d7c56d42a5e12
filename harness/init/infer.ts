/**
 * Everything `idemgate init` learns about a service, from its package.json and its source:
 * data only (rendering is elsewhere), each fact with where it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { findAccountLiterals, type AccountLiteral } from './cash-accounts.ts';
import { clientApiTodos, inferClientApi, type ClientApiInference } from './client-api.ts';
import { findEnvReads, mapEnvVar, type EnvMapping, type EnvRead } from './env-vars.ts';
import { inferEntities, inferLedger, type EntityInference, type LedgerInference } from './ledger.ts';
import { inferStart, type PackageJson, type StartInference } from './package-start.ts';
import {
  findHealthPath,
  findProviderEndpoints,
  PROVIDERS,
  routeStrings,
  type FoundRoute,
  type ProviderName,
  type RouteString,
} from './routes.ts';
import { findSchemaTables, SCHEMA_SOURCES_LOOKED_FOR, type ProjectSchema } from './schema-sources.ts';
import { collectSources, visit, where, type SourceFile } from './source-files.ts';

export interface ProjectInference {
  dir: string;
  packageName: string | undefined;
  start: StartInference;
  health: RouteString | undefined;
  /** Env vars idemgate knows how to fill. */
  env: { read: EnvRead; mapping: EnvMapping }[];
  /** Env vars read without a default that idemgate does not know. */
  unknownEnv: EnvRead[];
  /** Env vars read with a default in the code that idemgate does not know (left unset). */
  optionalEnv: EnvRead[];
  /** Providers seen in the routes or the env vars, in idemgate's order. */
  providers: ProviderName[];
  endpoints: Partial<Record<ProviderName, FoundRoute>>;
  /** Tables from every schema source (Drizzle, Prisma, Knex, Kysely, SQL migrations), deduplicated. */
  schema: ProjectSchema;
  ledger: LedgerInference | undefined;
  entities: EntityInference | undefined;
  accounts: AccountLiteral[];
  /** Where the service runs its migrations, if it seems to. */
  migration: string | undefined;
  /** A port the service listens on regardless of PORT (`listen(3000)`), when it reads no PORT-like variable. */
  fixedPort: { port: number; where: string } | undefined;
  /** The service's own Idempotency-Key API, when some file reads the header. */
  clientApi: ClientApiInference | undefined;
  /** What is left to the user, one line each. */
  todos: string[];
}

const MIGRATE = /^(migrate|runMigrations|migrateLatest|applyMigrations|migrateToLatest)$/;

/** A call of migrate()/runMigrations()/knex.migrate.latest() somewhere in the source. */
export function findMigration(files: readonly SourceFile[]): string | undefined {
  for (const file of files) {
    let found: string | undefined;
    visit(file, (node) => {
      if (found !== undefined || !ts.isCallExpression(node)) return;
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const onMigrate = ts.isPropertyAccessExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'migrate';
      if (MIGRATE.test(name) || onMigrate) found = where(file, node);
    });
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `server.listen(3000)` / `app.listen(8080, …)`: a literal port. */
export function findFixedPort(files: readonly SourceFile[]): { port: number; where: string } | undefined {
  for (const file of files) {
    let found: { port: number; where: string } | undefined;
    visit(file, (node) => {
      if (found !== undefined || !ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const arg = node.arguments[0];
      if (node.expression.name.text === 'listen' && arg !== undefined && ts.isNumericLiteral(arg) && Number(arg.text) > 0) {
        found = { port: Number(arg.text), where: where(file, node) };
      }
    });
    if (found !== undefined) return found;
  }
  return undefined;
}

function readPackage(dir: string): PackageJson | undefined {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}

export function inferProject(dir: string): ProjectInference {
  const pkg = readPackage(dir);
  const files = collectSources(dir);
  const start = inferStart(pkg, (rel) => existsSync(join(dir, rel)));
  const routes = routeStrings(files);
  const health = findHealthPath(routes);
  const endpoints = findProviderEndpoints(routes);

  const env: ProjectInference['env'] = [];
  const unknownEnv: EnvRead[] = [];
  const optionalEnv: EnvRead[] = [];
  for (const read of findEnvReads(files)) {
    const mapping = mapEnvVar(read.name);
    if (mapping !== undefined) env.push({ read, mapping });
    else if (read.hasDefault) optionalEnv.push(read);
    else unknownEnv.push(read);
  }
  const seen = new Set<ProviderName>(Object.keys(endpoints) as ProviderName[]);
  for (const { mapping } of env) if (mapping.provider !== undefined) seen.add(mapping.provider);
  const providers = PROVIDERS.filter((p) => seen.has(p));
  // Its own API is named after the package (the provider name its tapes use); webhooks and health are not part of it.
  const apiName = (pkg?.name ?? 'api').replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9_-]/g, '-');
  const notClient = new Set([...(health === undefined ? [] : [health.path]), ...Object.values(endpoints).map((e) => e.path)]);
  const clientApi = inferClientApi(files, apiName, notClient);

  const schema = findSchemaTables(dir, files);
  const ledger = inferLedger(schema.tables);
  const entities = inferEntities(schema.tables, ledger?.table.name);
  const accounts = findAccountLiterals(files);
  const migration = findMigration(files);
  const readsPort = start.portInArgs === true || env.some((e) => e.mapping.value.kind === 'placeholder' && e.mapping.value.name === 'port');
  const fixedPort = readsPort ? undefined : findFixedPort(files);

  const todos: string[] = [];
  if (start.todo !== undefined) todos.push(`start command: ${start.todo}`);
  if (!readsPort) {
    todos.push(
      fixedPort === undefined
        ? 'port: the service reads no PORT variable; make it listen on PORT or set target.start.port'
        : `port: the service listens on ${fixedPort.port} (${fixedPort.where}), not on PORT; runs cannot be parallel`,
    );
  }
  for (const r of unknownEnv) todos.push(`env ${r.name} (read at ${r.where}) is not known to idemgate: set it if the service needs it`);
  if (providers.length === 0 && clientApi === undefined) todos.push('providers: no Shopee, FPX or Stripe webhook route found; set target.endpoints and providers');
  if (clientApi !== undefined) todos.push(...clientApiTodos(clientApi));
  for (const p of providers) if (endpoints[p] === undefined) todos.push(`endpoint for ${p}: no route found, the tape's recorded path is used`);
  if (providers.includes('fpx') && !env.some((e) => e.mapping.value.kind === 'fpx-public-key')) {
    todos.push('fpx public key: the service reads no FPX_*PUBLIC_KEY*/CERT variable; make it trust idemgate/keys/fpx-test-public.pem');
  }
  if (!env.some((e) => e.mapping.value.kind === 'placeholder' && e.mapping.value.name === 'databaseUrl')) {
    todos.push('database: the service reads no DATABASE_URL-like variable; pass {databaseUrl} to it');
  }
  if (migration === undefined) todos.push('database.migrate: no migration call found; create the tables on start or set migrate');
  if (schema.files.length === 0) todos.push(`ledger mapping: no schema found (looked for ${SCHEMA_SOURCES_LOOKED_FOR}); fill in the ledger table and columns`);
  else if (ledger === undefined) todos.push(`ledger mapping: no table in ${schema.files.join(', ')} has an account and an amount column`);
  else {
    for (const role of ledger.missing) todos.push(`ledger column ${role}: not found in ${ledger.table.name}`);
    if (ledger.signSource === 'default' && ledger.columns.amount !== undefined) todos.push(`ledger sign: assumed debit-positive for ${ledger.table.name}; check it`);
    if (ledger.nonIntegerAmount !== undefined) todos.push(`ledger amount ${ledger.nonIntegerAmount} is not an integer column; map it to minor units in ledger.sql`);
  }
  if (ledger !== undefined && !accounts.some((a) => a.cash)) todos.push('ledger cashAccounts: no cash/clearing/wallet/bank account name found');
  if (schema.files.length > 0 && entities === undefined) todos.push('entities: no table with a status and an order/reference column (optional)');
  else if (entities !== undefined) for (const role of entities.missing) todos.push(`entities column ${role}: not found in ${entities.table.name}`);

  return {
    dir,
    packageName: pkg?.name,
    start,
    health,
    env,
    unknownEnv,
    optionalEnv,
    providers,
    endpoints,
    schema,
    ledger,
    entities,
    accounts,
    migration,
    fixedPort,
    clientApi,
    todos,
  };
}
