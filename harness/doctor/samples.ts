/**
 * Which delivery doctor sends for each provider: a real event from a tape the config's scenarios
 * replay, preferring one that moves no money, else the first event of idemgate's own sample tape
 * for a built-in provider the config gives an endpoint.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_API_TAPE } from '../providers/client-api/template.ts';
import type { Provider } from '../providers/provider.ts';
import type { Scenario } from '../runner/scenario.ts';
import { readTape } from '../tape/read.ts';
import type { Exchange, Tape } from '../tape/schema.ts';

/** idemgate's own sample tape per built-in provider (fixtures/tapes), used when no scenario tape has the provider. */
const SAMPLE_TAPES: Readonly<Record<string, string>> = {
  stripe: 'stripe.jsonl',
  shopee: 'shopee.jsonl',
  fpx: 'fpx.jsonl',
  'fpx-indirect': 'fpx-indirect.jsonl',
  billplz: 'billplz.jsonl',
};

export interface Sample {
  provider: string;
  /** A one-exchange tape (with its source tape's header, so the upstream answers it needs are served). */
  tape: Tape;
  exchange: Exchange;
  /** Where it came from, for the report: `fixtures/tapes/stripe.jsonl seq 1`. */
  source: string;
}

/** Whether the adapter reads the exchange as moving no money (interpretation errors count as no). */
function harmless(provider: Provider, exchange: Exchange, tape: Tape): boolean {
  try {
    return provider.interpret(exchange, tape).effect === undefined;
  } catch {
    return false;
  }
}

function sampleFrom(provider: string, adapter: Provider, tape: Tape, label: string): Sample | undefined {
  const mine = tape.exchanges.filter((x) => x.provider === provider);
  const exchange = mine.find((x) => harmless(adapter, x, tape)) ?? mine[0];
  if (exchange === undefined) return undefined;
  return { provider, exchange, tape: { header: tape.header, exchanges: [exchange], ...(tape.file ? { file: tape.file } : {}) }, source: `${label} seq ${exchange.seq}` };
}

/** Every tape file the scenarios replay, once each, in scenario order, with how to name it. */
export async function scenarioTapes(scenarios: readonly Scenario[], rootDir: string): Promise<{ tape: Tape; label: string }[]> {
  // A tape made from the config's templates (`clientApis:<name>`) is no file to read a sample from.
  const files = [...new Set(scenarios.flatMap((s) => s.tapes.filter((t) => !CLIENT_API_TAPE.test(t)).map((t) => resolve(rootDir, t))))];
  return Promise.all(files.map(async (file) => ({ tape: await readTape(file), label: relative(process.cwd(), file) || file })));
}

/**
 * The delivery to send for `provider`: from the scenarios' tapes, else (`builtinSample`) the
 * first event of idemgate's sample tape for that provider; undefined when there is none.
 */
export async function sampleFor(
  provider: string,
  adapter: Provider,
  tapes: readonly { tape: Tape; label: string }[],
  builtinSample: boolean,
): Promise<Sample | undefined> {
  for (const { tape, label } of tapes) {
    const sample = sampleFrom(provider, adapter, tape, label);
    if (sample !== undefined) return sample;
  }
  const name = SAMPLE_TAPES[provider];
  if (!builtinSample || name === undefined) return undefined;
  const file = fileURLToPath(new URL(`../../fixtures/tapes/${name}`, import.meta.url));
  if (!existsSync(file)) return undefined;
  const sample = sampleFrom(provider, adapter, await readTape(file), `idemgate's sample tape ${name}`);
  return sample;
}
