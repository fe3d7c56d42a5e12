import { readFile, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { IdemgateError } from '../errors.ts';
import { didYouMean } from '../_internals/suggest.ts';
import type { IdemgateConfig } from '../config.ts';
import type { Provider } from '../providers/provider.ts';
import { adapterResolver, builtinProviders } from '../providers/registry.ts';
import { readTape } from '../tape/read.ts';
import { TAPE_FORMAT, TAPE_VERSION, type ExchangeInput, type TapeHeader } from '../tape/schema.ts';
import { writeTape } from '../tape/write.ts';
import { readFpxLog } from './fpx-log.ts';
import { parseSpan, splitJsonValues } from './json-text.ts';
import { readHar } from './har.ts';
import { readInbox, type InboxColumns } from './inbox.ts';
import { DEFAULT_ENDPOINTS, importInvalid, isoAt, type ImportTarget, type ImportedDelivery, type InputFile, type Origin, type SourceResult } from './source.ts';
import { readStripeEvents } from './stripe-events.ts';

/** What `idemgate import` reads: Stripe events, HAR files, the service's inbox export, FPX logs. */
export const IMPORT_KINDS = ['stripe-events', 'har', 'inbox', 'fpx-log'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * Providers that send one event's redeliveries byte for byte (a Stripe event id, an FPX AC's
 * transaction and debit code): two bodies under one identity mean the input is wrong. Shopee and
 * Billplz re-send the same news in other bytes (a new push `timestamp`; a redirect beside the
 * callback), so theirs are redeliveries like any other.
 */
const SAME_BYTES_ON_REDELIVERY = new Set(['stripe', 'fpx', 'fpx-indirect']);

export interface ImportOptions {
  kind: ImportKind;
  files: readonly string[];
  /** The tape to write. */
  out: string;
  /** The tape header's name; default: the out file's name without `.jsonl`. */
  name?: string | undefined;
  /** Endpoints, known providers and adapters; without one, idemgate's built-in providers at the reference service's paths. */
  config?: Pick<IdemgateConfig, 'target' | 'providers' | 'adapters' | 'providerSettings' | 'clientApis'> | undefined;
  /** `inbox`: which columns hold what. */
  columns?: InboxColumns | undefined;
  /** `fpx-log`: the zone of log timestamps written without one, in minutes east of UTC. */
  logOffsetMinutes?: number | undefined;
  /**
   * A JSON file of what the providers' APIs answered during the incident, for the tape header's
   * `upstream` (`{"shopee":{"escrow":{"<ordersn>":{…}}}}`): a Shopee COMPLETED push needs its escrow.
   */
  upstreamFile?: string | undefined;
}

export interface ImportSummary {
  out: string;
  exchanges: number;
  byProvider: Record<string, number>;
  skipped: Record<string, number>;
  /** Deliveries of an event already delivered (same provider identity), kept: providers redeliver. */
  duplicatesKept: number;
  /** List copies of an event another input already holds (overlapping Events API pages), dropped. */
  overlapsDropped: number;
  /** Events the adapters read but do not model, by what they are (`stripe: event type customer.created`). */
  unmodelled: Record<string, number>;
  first: string;
  last: string;
  notes: string[];
}

function importTarget(config: ImportOptions['config']): ImportTarget {
  if (config === undefined) return { endpoints: DEFAULT_ENDPOINTS, known: Object.keys(builtinProviders) };
  const known = new Set([
    ...Object.keys(config.target.endpoints ?? {}),
    ...Object.keys(config.providers),
    ...Object.keys(config.adapters ?? {}),
    ...Object.keys(config.clientApis ?? {}),
  ]);
  // A config without endpoints replays to the recorded paths: the reference service's paths stand in for its providers.
  const endpoints = config.target.endpoints ?? Object.fromEntries(Object.entries(DEFAULT_ENDPOINTS).filter(([p]) => known.has(p)));
  return { endpoints, known: [...known] };
}

async function readInputs(files: readonly string[]): Promise<InputFile[]> {
  return Promise.all(
    files.map(async (file) => {
      try {
        return { file, text: (await readFile(file, 'utf8')).replace(/^\uFEFF/, '') };
      } catch (e) {
        throw new IdemgateError('TAPE_NOT_FOUND', `cannot read ${file}: ${(e as Error).message}`, { cause: e, details: { file } });
      }
    }),
  );
}

function readSource(options: ImportOptions, inputs: InputFile[], target: ImportTarget): SourceResult {
  switch (options.kind) {
    case 'stripe-events':
      return readStripeEvents(inputs, target);
    case 'har':
      return readHar(inputs, target);
    case 'inbox':
      if (options.columns === undefined) throw new IdemgateError('USAGE', 'import inbox needs its columns');
      return readInbox(inputs, target, options.columns);
    case 'fpx-log':
      return readFpxLog(inputs, target, { logOffsetMinutes: options.logOffsetMinutes });
  }
}

/** The message of an adapter's error without its tape location (`<memory> seq 4: `): the input's file:line replaces it. */
const withoutTapeLocation = (message: string): string => message.replace(/^\S+ seq \d+: /, '');

/**
 * Turns traffic found after an incident into a tape: reads every input, orders the deliveries by
 * time (ties in the order the provider made them, as each source knows it), numbers them, writes the tape with writeTape (credentials
 * masked), reads it back with readTape and reads every exchange through its provider's adapter, so
 * a delivery idemgate could not replay is reported now, naming the input's file and line. The
 * tape appears under `out` only once all of that passed; on any error nothing is written.
 *
 * @example
 * const summary = await importTraffic({ kind: 'stripe-events', files: ['events.json'], out: 'incident.jsonl' });
 * console.log(formatImportSummary(summary));
 */
export async function importTraffic(options: ImportOptions): Promise<ImportSummary> {
  if (options.files.length === 0) throw new IdemgateError('USAGE', `idemgate import ${options.kind} needs at least one input file`);
  const target = importTarget(options.config);
  const source = readSource(options, await readInputs(options.files), target);
  const resolve = adapterResolver(options.config ?? {});
  const adapters = new Map<string, Provider>();
  for (const delivery of source.deliveries) {
    if (adapters.has(delivery.provider)) continue;
    if (!target.known.includes(delivery.provider)) {
      throw importInvalid(
        delivery.origin,
        `provider "${delivery.provider}" is not one the ${options.config === undefined ? 'built-in adapters know' : 'config knows'}${didYouMean(delivery.provider, target.known)} ` +
          `(known: ${[...target.known].sort().join(', ')})`,
      );
    }
    try {
      adapters.set(delivery.provider, resolve(delivery.provider));
    } catch (e) {
      throw importInvalid(delivery.origin, (e as Error).message);
    }
  }
  if (source.deliveries.length === 0) {
    const skipped = Object.entries(source.skipped).map(([what, n]) => `${n} ${what}`).join(', ');
    const endpoints = options.kind === 'har' ? `; endpoints: ${Object.entries(target.endpoints).map(([p, path]) => `${p} ${path}`).join(', ') || 'none'}` : '';
    throw importInvalid({ file: options.files[0]!, line: 1 }, `no deliveries to import in ${options.files.join(', ')}${skipped === '' ? '' : ` (skipped: ${skipped}${endpoints})`}`);
  }

  // Array.prototype.sort is stable; the tie key keeps each source's own order of equal times.
  const deliveries = [...source.deliveries].sort((a, b) => a.at - b.at || a.tie - b.tie);
  const exchanges: ExchangeInput[] = deliveries.map((d, i) => ({
    seq: i + 1,
    provider: d.provider,
    method: d.method,
    path: d.path,
    headers: d.headers,
    body: d.body,
    bodyEncoding: d.bodyEncoding,
    recordedAt: d.recordedAt,
    ...(d.durationMs === undefined ? {} : { durationMs: d.durationMs }),
    ...(d.response === undefined ? {} : { response: d.response }),
  }));
  const upstream = options.upstreamFile === undefined ? undefined : await readUpstream(options.upstreamFile);
  const header: TapeHeader = {
    format: TAPE_FORMAT,
    version: TAPE_VERSION,
    name: options.name ?? basename(options.out).replace(/\.jsonl$/, ''),
    description: `imported by idemgate import ${options.kind} from ${options.files.map((f) => basename(f)).join(', ')}`,
    createdAt: isoAt(Date.now()),
    source: { kind: 'import', detail: `${options.kind}: ${options.files.join(', ')}` },
    ...(upstream === undefined ? {} : { upstream }),
  };

  const temporary = `${options.out}.importing-${process.pid}`;
  try {
    await writeTape(temporary, { header, exchanges }).catch((e: unknown) => {
      if (e instanceof IdemgateError) throw rethrowAt(e, deliveries);
      throw new IdemgateError('USAGE', `cannot write the tape ${options.out}: ${(e as Error).message}`);
    });
    const tape = await readTape(temporary).catch((e: unknown) => {
      throw rethrowAt(e, deliveries);
    });
    const written = { ...tape, file: options.out };
    const summary = checkTape(tape.exchanges.length, deliveries, (i) => adapters.get(deliveries[i]!.provider)!.interpret(tape.exchanges[i]!, written), tape.exchanges.map((e) => e.body));
    // writeTape masks what looks like a credential, in bodies too: say so rather than leave bytes changed unnoticed.
    const masked = deliveries.flatMap((d, i) => (tape.exchanges[i]!.body === d.body ? [] : [`${d.origin.file}:${d.origin.line}`]));
    if (masked.length > 0) {
      source.notes.push(
        `${masked.length} bod${masked.length === 1 ? 'y had' : 'ies had'} a credential-looking value masked (***) by writeTape, so not byte for byte as received: ${masked.slice(0, 3).join(', ')}${masked.length > 3 ? ', …' : ''}`,
      );
    }
    await rename(temporary, options.out).catch((e: unknown) => {
      throw new IdemgateError('USAGE', `cannot write the tape ${options.out}: ${(e as Error).message}`);
    });
    return { out: options.out, ...summary, skipped: source.skipped, overlapsDropped: source.overlapsDropped, notes: source.notes };
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The `upstream` JSON object for the tape header; anything else is an error naming the file. */
async function readUpstream(file: string): Promise<Record<string, unknown>> {
  const [input] = await readInputs([file]);
  const spans = splitJsonValues(file, input!.text);
  if (spans.length !== 1) throw importInvalid({ file, line: spans[1]?.line ?? 1 }, 'expected one JSON object: what the providers\' APIs answered, by provider');
  const value = parseSpan(file, input!.text, spans[0]!);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw importInvalid({ file, line: spans[0]!.line }, 'expected a JSON object: what the providers\' APIs answered, by provider ({"shopee":{"escrow":{…}}})');
  }
  return value as Record<string, unknown>;
}

/** An error about the written tape's line or seq, named by the input delivery it came from. */
function rethrowAt(e: unknown, deliveries: readonly ImportedDelivery[]): unknown {
  if (!(e instanceof IdemgateError) || e.code !== 'TAPE_INVALID') return e;
  const line = (e.details as { line: number }).line;
  const delivery = deliveries[line - 2];
  if (delivery === undefined) return e;
  return importInvalid(delivery.origin, `cannot be written as a tape exchange: ${e.message.replace(/^\S+:\d+: /, '')}`);
}

/** Every exchange read by its adapter; identities counted, and two bodies under one identity refused where the provider never sends that. */
function checkTape(
  count: number,
  deliveries: readonly ImportedDelivery[],
  interpret: (index: number) => { identity: string; unmodelled?: string | undefined },
  bodies: readonly string[],
): Omit<ImportSummary, 'out' | 'skipped' | 'overlapsDropped' | 'notes'> {
  const byProvider: Record<string, number> = {};
  const unmodelled: Record<string, number> = {};
  const seen = new Map<string, { origin: Origin; body: string }>();
  let duplicatesKept = 0;
  for (let i = 0; i < count; i++) {
    const delivery = deliveries[i]!;
    let event: { identity: string; unmodelled?: string | undefined };
    try {
      event = interpret(i);
    } catch (e) {
      if (!(e instanceof IdemgateError)) throw e;
      throw importInvalid(delivery.origin, `${withoutTapeLocation(e.message)} (idemgate could not replay it)`);
    }
    byProvider[delivery.provider] = (byProvider[delivery.provider] ?? 0) + 1;
    if (event.unmodelled !== undefined) unmodelled[event.unmodelled] = (unmodelled[event.unmodelled] ?? 0) + 1;
    const key = `${delivery.provider}\u0000${event.identity}`;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, { origin: delivery.origin, body: bodies[i]! });
      continue;
    }
    if (SAME_BYTES_ON_REDELIVERY.has(delivery.provider) && earlier.body !== bodies[i]) {
      throw importInvalid(
        delivery.origin,
        `${delivery.provider} ${event.identity} was delivered with another body at ${earlier.origin.file}:${earlier.origin.line}: ` +
          `${delivery.provider} never sends two bodies under one event`,
      );
    }
    duplicatesKept++;
  }
  return {
    exchanges: count,
    byProvider,
    duplicatesKept,
    unmodelled,
    first: deliveries[0]!.recordedAt,
    last: deliveries[count - 1]!.recordedAt,
  };
}

const number = (n: number): string => n.toLocaleString('en-US');

function spanText(first: string, last: string): string {
  const ms = Date.parse(last) - Date.parse(first);
  const s = Math.round(ms / 1000);
  const parts = [[Math.floor(s / 86_400), 'd'], [Math.floor((s % 86_400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'min'], [s % 60, 's']] as const;
  const shown = parts.filter(([v]) => v > 0).slice(0, 2).map(([v, u]) => `${v} ${u}`);
  return shown.length === 0 ? '0 s' : shown.join(' ');
}

/** The one summary line: exchanges per provider, skipped, duplicates kept, time span (then any notes, one a line). */
export function formatImportSummary(s: ImportSummary): string {
  const providers = Object.entries(s.byProvider).map(([p, n]) => `${p} ${number(n)}`).join(', ');
  const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const unmodelled = Object.values(s.unmodelled).reduce((a, b) => a + b, 0);
  const parts = [
    `imported ${number(s.exchanges)} exchange(s) (${providers}) to ${s.out}`,
    `skipped ${number(skipped)}${skipped === 0 ? '' : ` (${Object.entries(s.skipped).map(([w, n]) => `${number(n)} ${w}`).join(', ')})`}`,
    `duplicates kept ${number(s.duplicatesKept)}`,
    ...(s.overlapsDropped === 0 ? [] : [`overlapping list copies dropped ${number(s.overlapsDropped)}`]),
    ...(unmodelled === 0 ? [] : [`unmodelled ${number(unmodelled)} (${Object.keys(s.unmodelled).slice(0, 3).join('; ')}${Object.keys(s.unmodelled).length > 3 ? '; …' : ''})`]),
    // One zone for both ends, whatever offsets the inputs had.
    `span ${new Date(s.first).toISOString()} … ${new Date(s.last).toISOString()} (${spanText(s.first, s.last)})`,
  ];
  return [parts.join('; '), ...s.notes.map((n) => `note: ${n}`)].join('\n');
}
