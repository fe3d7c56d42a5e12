import { IdemgateError } from '../../errors.ts';
import { TAPE_FORMAT, TAPE_VERSION, type Exchange, type Tape } from '../../tape/schema.ts';
import { minorToDecimal, minorUnitsOf } from '../currency.ts';
import type { ClientApiRoute, ClientRouteTemplate } from './routes.ts';
import { seededRandom } from '../../_internals/seeded-random.ts';

export type { ClientRouteTemplate };

/** A route as the generator sees it: with its template. */
type TemplatedRoute = Pick<ClientApiRoute, 'name' | 'method' | 'path' | 'template'>;

/** A scenario tape entry naming a client API whose traffic is made from its templates: `clientApis:payments-api?entities=5&seed=2`. */
export const CLIENT_API_TAPE = /^clientApis:([^?]+)(?:\?(.*))?$/;


/** Problems with a client API's templates, each naming `clientApis.<name>.routes[i].template…`. */
export function templateProblems(at: string, routes: readonly TemplatedRoute[]): string[] {
  const problems: string[] = [];
  for (const [i, route] of routes.entries()) {
    const t = route.template;
    if (t === undefined) continue;
    const r = `${at}.routes[${i}].template`;
    const earlier = new Set(routes.slice(0, i).map((x) => x.name));
    const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
    for (const [param, from] of Object.entries(t.params ?? {})) {
      if (!pathParams.includes(param)) problems.push(`${r}.params.${param}: ${route.path} has no :${param}`);
      if (!earlier.has(from)) problems.push(`${r}.params.${param}: "${from}" is not a route listed before ${route.name} (its reference fills the param)`);
    }
    for (const param of pathParams) if (t.params?.[param] === undefined) problems.push(`${r}.params: nothing fills :${param} of ${route.path}`);
    const { min, max } = t.amount ?? { min: 100, max: 20_000 };
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 1 || max < min) problems.push(`${r}.amount: integers 1 ≤ min ≤ max (minor units)`);
    const texts = JSON.stringify(t.body);
    if (!texts.includes('{reference}')) problems.push(`${r}.body: no field holds '{reference}', so every request would book under one reference`);
  }
  return problems;
}

/** Fills placeholders: a value that is exactly `'{amount}'` becomes the number; others are replaced inside the text. */
function fill(value: unknown, vars: Record<string, string>, amount: number, asNumber: boolean): unknown {
  if (typeof value === 'string') {
    if (value === '{amount}' && asNumber) return amount;
    return value.replace(/\{(reference|amount|amountMajor|currency|key)\}/g, (_, name: string) => vars[name]!);
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars, amount, asNumber));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars, amount, asNumber)]));
  return value;
}

/**
 * A tape of a client API made from its routes' templates: `entities` entities, each one request
 * per templated route in the order the config lists them (a payment, then its refund), with a
 * drawn key, reference and amount. A pure function of the seed, so a run replays the same traffic.
 * CONFIG_INVALID when no route has a template.
 *
 * @example
 * const tape = clientApiTape('payments-api', config.clientApis['payments-api'], { entities: 3, seed: 1 });
 * await runScenario(session, scenario, { tape });
 */
export function clientApiTape(
  name: string,
  api: { routes: readonly TemplatedRoute[] },
  options: { entities?: number; seed?: number; keyHeader?: string } = {},
): Tape {
  const at = `clientApis.${name}`;
  const templated = api.routes.filter((r) => r.template !== undefined);
  const problems = templated.length === 0 ? [`${at}.routes: no route has a template, so no traffic can be made from the config (record a tape instead)`] : templateProblems(at, api.routes);
  if (problems.length > 0) throw new IdemgateError('CONFIG_INVALID', problems.join('; '), { details: { path: at } });
  const { entities = 3, seed = 1, keyHeader = 'Idempotency-Key' } = options;
  const next = seededRandom(seed);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  let time = Date.parse('2026-01-01T00:00:00.000Z');
  const exchanges: Exchange[] = [];
  for (let entity = 0; entity < entities; entity++) {
    const made = new Map<string, { reference: string; amount: number }>();
    for (const route of templated) {
      const t = route.template!;
      const currency = t.currency ?? 'MYR';
      const { min, max } = t.amount ?? { min: 100, max: 20_000 };
      const parents = Object.values(t.params ?? {}).map((p) => made.get(p)!);
      const cap = Math.min(max, ...parents.map((p) => p.amount));
      const amount = Math.max(Math.min(min, cap), min + Math.floor(next() * (cap - min + 1)));
      const reference = `${t.referencePrefix ?? `${route.name}_`}${hex(10)}`;
      const key = uuid();
      made.set(route.name, { reference, amount });
      const vars = { reference, amount: String(amount), amountMajor: minorToDecimal(amount, currency).toFixed(minorUnitsOf(currency) ?? 2), currency, key };
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_, p: string) => encodeURIComponent(made.get(t.params![p]!)!.reference));
      const filled = fill(t.body, vars, amount, t.form !== true) as Record<string, unknown>;
      const body = t.form === true ? new URLSearchParams(Object.entries(filled).map(([k, v]): [string, string] => [k, String(v)])).toString() : JSON.stringify(filled);
      time += 1000;
      exchanges.push({
        seq: exchanges.length + 1,
        provider: name,
        method: (route.method ?? 'POST').toUpperCase() as Exchange['method'],
        path,
        headers: { ...t.headers, 'content-type': t.form === true ? 'application/x-www-form-urlencoded' : 'application/json', [keyHeader.toLowerCase()]: key },
        body,
        bodyEncoding: 'utf8',
        recordedAt: new Date(time).toISOString(),
      });
    }
  }
  return {
    header: {
      format: TAPE_FORMAT,
      version: TAPE_VERSION,
      name: `${name}-template`,
      description: `${name}'s requests made from clientApis.${name}.routes[].template (${entities} entities)`,
      createdAt: new Date(0).toISOString(),
      source: { kind: 'generator', seed, detail: `clientApis.${name} templates` },
    },
    exchanges,
  };
}
