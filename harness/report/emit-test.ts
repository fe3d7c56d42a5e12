import { z } from 'zod';
import { shellQuote } from '../_internals/shell.ts';
import { maskDeep } from '../_internals/mask.ts';
import { IdemgateError } from '../errors.ts';
import type { Provider, ProviderSecrets } from '../providers/provider.ts';
import type { Reproduction } from '../runner/reproduce.ts';
import { stepExchanges, type Delivery, type Schedule, type Step } from '../schedule/schedule.ts';
import { exchangeSchema, type Exchange, type Tape } from '../tape/schema.ts';
import { scheduleSchema } from './results-schema.ts';

/** What `saveCounterexample` writes under reports/failures/, as far as emit-test reads it. */
const savedFailureSchema = z.object({
  format: z.literal('idemgate-counterexample'),
  version: z.literal(1),
  scenario: z.string().min(1),
  seed: z.number(),
  path: z.string(),
  draw: z.object({ groups: z.array(z.string()), edits: z.array(z.unknown()), extensions: z.record(z.string(), z.unknown()).optional() }),
  schedule: scheduleSchema,
  violations: z.array(z.object({ invariant: z.string(), message: z.string() })),
});
export type SavedFailure = z.infer<typeof savedFailureSchema>;

/** A reports/failures/<scenario>.json file's content, checked; USAGE names the file and what is wrong. */
export function parseSavedFailure(file: string, text: string): SavedFailure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new IdemgateError('USAGE', `${file}: not JSON (${(e as Error).message}); emit-test reads a reports/failures/<scenario>.json written by idemgate run`);
  }
  const parsed = savedFailureSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IdemgateError('USAGE', `${file}: not a saved failure of idemgate run (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  return parsed.data;
}

/**
 * The failure as data a test replays: the tape's exchanges the schedule delivers (numbered 0… in
 * tape order, the header's upstream answers kept) and the schedule renumbered to them. Masked like
 * every file idemgate writes.
 */
export function reproductionOf(failure: SavedFailure, tape: Tape): Reproduction {
  const used = [...new Set(failure.schedule.steps.flatMap(stepExchanges))].sort((a, b) => a - b);
  const missing = used.find((i) => tape.exchanges[i] === undefined);
  if (missing !== undefined) {
    throw new IdemgateError('USAGE', `the failure delivers exchange ${missing} but the scenario's tape has ${tape.exchanges.length}: the tape changed since the failure was saved`);
  }
  const index = new Map(used.map((old, i) => [old, i]));
  const renumber = (d: Delivery): Delivery => ({ ...d, exchange: index.get(d.exchange)! });
  const schedule: Schedule = {
    steps: failure.schedule.steps.map((s): Step => (s.kind === 'send' ? { kind: 'send', delivery: renumber(s.delivery) } : { kind: 'concurrent', deliveries: s.deliveries.map(renumber) })),
  };
  const exchanges = used.map((i) => exchangeSchema.parse(tape.exchanges[i]));
  const clean = failure.path === '' && failure.draw.edits.length === 0;
  return maskDeep({
    scenario: failure.scenario,
    tape: { header: tape.header, exchanges },
    schedule,
    ...(failure.draw.extensions === undefined ? {} : { extensions: failure.draw.extensions }),
    baseline: clean ? 'none' : 'clean-replay',
  });
}

/**
 * A self-contained vitest file: the reproduction as a literal and one test that replays it on a
 * fresh session of the configured target and expects no violation. It fails while the bug is there.
 */
export function renderTest(
  r: Reproduction,
  o: { source: string; seed: number; path: string; broken: readonly { invariant: string; message: string }[]; importFrom: string; configUrl: string },
): string {
  const invariants = [...new Set(o.broken.map((v) => v.invariant))];
  const first = o.broken[0]?.message ?? '';
  const title = first.length > 100 ? `${first.slice(0, 97)}…` : first;
  const steps = r.schedule.steps.length;
  return `// Written by \`idemgate emit-test ${o.source}\`: the shrunk schedule (${steps} ${steps === 1 ? 'step' : 'steps'}) that broke
// ${invariants.join(', ')} in scenario ${r.scenario} (seed ${o.seed}${o.path === '' ? ', the clean replay' : `, path "${o.path}"`}), as data:
// the exchanges it delivers, their order, duplicates, concurrency and faults are all below, so
// it does not depend on the seed, the path or the tape file staying as they were. It fails while
// the bug is there and passes once it is fixed.
import { describe, expect, it } from 'vitest';
import { reproduce, type Reproduction } from ${JSON.stringify(o.importFrom)};

const reproduction: Reproduction = ${JSON.stringify(r, null, 2)};

describe(${JSON.stringify(`${r.scenario}: ${title}`)}, () => {
  it(${JSON.stringify(`holds ${invariants.join(', ')} on the schedule that broke ${invariants.length === 1 ? 'it' : 'them'}`)}, async () => {
    const { violations } = await reproduce(reproduction, { config: new URL(${JSON.stringify(o.configUrl)}, import.meta.url) });
    expect(violations.map((v) => \`\${v.invariant}: \${v.message}\`)).toEqual([]);
  }, 300_000);
});
`;
}

/** What signs the script's requests: the config's adapters, test secrets and endpoints. */
export interface CurlContext {
  providerOf(name: string): Provider;
  secrets: Readonly<Record<string, ProviderSecrets>>;
  endpoints: Readonly<Record<string, string>>;
}

/**
 * The schedule as a POSIX sh script of curl commands: bodies written byte for byte (base64),
 * signed with the test secrets (a signature that expires — Stripe's — computed when the script
 * runs), concurrent groups sent at once, lost acknowledgements as `--max-time`. Against
 * `$BASE_URL` (default `baseUrl`, the URL signatures over the URL are made for). What curl cannot do (kill the target, drop Redis) is a comment.
 */
export function renderCurl(r: Reproduction, c: CurlContext, now: Date, baseUrl: string): string {
  const exchanges: Exchange[] = r.tape.exchanges.map((e) => exchangeSchema.parse(e));
  const lines = [
    '#!/bin/sh',
    `# The shrunk schedule of scenario ${r.scenario} as curl commands (idemgate emit-test --curl).`,
    `# Run it against a service with an empty database: BASE_URL=${baseUrl} sh this-file.sh`,
    "# Signatures use the config's test secrets; an expiring one (Stripe) is made when the script runs;",
    `# one over the URL (Shopee without providers.shopee.callbackUrl) was made for ${baseUrl}.`,
    'set -eu',
    `BASE_URL="\${BASE_URL:-${baseUrl}}"`,
    'dir=$(mktemp -d)',
    "trap 'rm -rf \"$dir\"' EXIT",
    'send() { # n, method, path, max-time (0: none), header args…',
    '  n=$1; method=$2; path=$3; max=$4; shift 4',
    '  status=$(curl -sS -o "$dir/$n.answer" -w \'%{http_code}\' -X "$method" ${max:+--max-time "$max"} "$@" --data-binary "@$dir/$n.body" "$BASE_URL$path" || true)',
    '  echo "step $n: $method $path -> ${status:-no answer}"',
    '}',
  ];
  let n = 0;
  const request = (d: Delivery, background: boolean): string[] => {
    const exchange = exchanges[d.exchange]!;
    const provider = c.providerOf(exchange.provider);
    const secrets = c.secrets[exchange.provider] ?? {};
    const path = c.endpoints[exchange.provider] ?? exchange.path.split('?')[0]!;
    const signed = provider.sign(exchange, { secrets, now, url: `${baseUrl.replace(/\/+$/, '')}${path}`, attempt: 1 });
    const query = signed.query ?? exchange.path.split('?')[1];
    const target = query === undefined || query === '' ? path : `${path}?${query}`;
    const id = ++n;
    const out: string[] = [];
    if (d.delayMs !== undefined || d.waitMs !== undefined) out.push(`sleep ${((d.waitMs ?? 0) + (d.delayMs ?? 0)) / 1000}`);
    for (const [what, note] of [
      [d.crash, 'idemgate killed the target while this was in flight'],
      [d.workerCrash, "idemgate killed the target's workers at its next ledger write"],
      [d.redisDrop, "idemgate dropped the target's Redis connections after this"],
      [d.afterQuiet, 'idemgate sent this once the target was quiet'],
    ] as const) {
      if (what !== undefined) out.push(`# not done by this script: ${note}`);
    }
    out.push(`echo ${shellQuote(signed.body.toString('base64'))} | base64 -d > "$dir/${id}.body"`);
    const headers = Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== provider.shellSignature?.header.toLowerCase());
    const args = headers.map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`);
    if (provider.shellSignature !== undefined) {
      out.push(`sig${id}=$(${provider.shellSignature.command(`"$dir/${id}.body"`, secrets)})`);
      args.push(`-H "${provider.shellSignature.header}: $sig${id}"`);
    }
    const max = d.abortAfterMs === undefined ? '""' : String(Math.max(d.abortAfterMs, 1) / 1000);
    out.push(`send ${id} ${exchange.method} ${shellQuote(target)} ${max} ${args.join(' ')}${background ? ' &' : ''}`);
    return out;
  };
  for (const step of r.schedule.steps) {
    if (step.kind === 'send') lines.push(...request(step.delivery, false));
    else lines.push(`# ${step.deliveries.length} at once`, ...step.deliveries.flatMap((d) => request(d, true)), 'wait');
  }
  lines.push('echo "done: now look at the books (the ledger) for what the schedule broke"', '');
  return lines.join('\n');
}
