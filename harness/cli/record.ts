import { randomBytes } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { registerSecrets } from '../_internals/mask.ts';
import type { IdemgateConfig } from '../config.ts';
import { IdemgateError } from '../errors.ts';
import { knownApis } from '../providers/apis.ts';
import { DEFAULT_PSEUDONYM_ENV } from '../record/config.ts';
import { createRecorder, type ListenAddress, type UpstreamTarget } from '../record/recorder.ts';
import { createRedactor } from '../record/redact.ts';
import { findConfigFile, loadConfig } from '../runner/load.ts';
import { parseCommandArgs } from './args.ts';

export const RECORD_HELP = `idemgate record — record a service's webhook traffic into a tape, as a reverse proxy in front of it

Usage:
  idemgate record --to URL --out FILE [--listen HOST:PORT] [--config FILE] [--force]
                  [--upstream-listen HOST:PORT --upstream-to API=URL ...]

Providers (or a tunnel) deliver to --listen; each request is forwarded to the service at --to and
answered with its answer. A delivery to one of the config's target.endpoints (or carrying a
provider's signature header, e.g. Stripe-Signature) is written to the tape with the answer, its
arrival time and duration, as soon as it is answered. Other requests are forwarded, not recorded.
Signatures and credentials are masked; personal data in the providers' known fields and in the
config's record.redact fields is replaced by a keyed pseudonym (HMAC-SHA256 with the key in
$${DEFAULT_PSEUDONYM_ENV} or record.pseudonymEnv's variable; unset: a random key for this recording).
Stop with Ctrl-C (SIGINT) or SIGTERM: the tape is closed and the count printed.

Options:
  --to URL                the service's base URL (e.g. http://127.0.0.1:3000)
  --out FILE              the tape to write (refused if it exists, unless --force)
  --listen HOST:PORT      where providers deliver (default 127.0.0.1:4000; port 0: any free port)
  --config FILE           config file (default: idemgate.config.ts in this folder or a parent)
  --force                 replace --out if it exists
  --upstream-listen HOST:PORT
                          also record the service's calls to provider APIs: point its API base URL
                          at http://HOST:PORT/<api> (SHOPEE_API_BASE=http://127.0.0.1:4001/shopee)
  --upstream-to API=URL   where API really is (repeatable), e.g. shopee=https://partner.shopeemobile.com;
                          added to the config's record.upstream. The answers go into the tape
                          header's upstream section when the recording stops, for replay.

Exit codes: 0 the tape was written; 2 bad arguments, a config that cannot be loaded, a port in
use, or no delivery was recorded (nothing to replay; no file is left).`;

const RECORD_OPTIONS = {
  to: { type: 'string' },
  out: { type: 'string' },
  listen: { type: 'string' },
  config: { type: 'string' },
  force: { type: 'boolean' },
  'upstream-listen': { type: 'string' },
  'upstream-to': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `HOST:PORT`, `:PORT` or `PORT`. */
export function parseListen(flag: string, text: string): ListenAddress {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port > 65535) throw new IdemgateError('USAGE', `${flag} must be HOST:PORT (e.g. 127.0.0.1:4000), got "${text}"`);
  const host = (m[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '127.0.0.1' : host, port };
}

function parseUpstreamTo(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = item.slice(0, eq);
    const url = item.slice(eq + 1);
    if (eq <= 0 || !/^https?:\/\//.test(url) || !URL.canParse(url)) {
      throw new IdemgateError('USAGE', `--upstream-to must be API=URL (e.g. shopee=https://partner.shopeemobile.com), got "${item}"`);
    }
    out[name] = url;
  }
  return out;
}

/** The first of SIGINT/SIGTERM; a second one exits at once. */
function untilSignal(): { stopped: Promise<string>; dispose(): void } {
  let received: string | undefined;
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      console.error(`idemgate record: ${signal} again: exiting now (the tape keeps every completed line; its header has no upstream section)`);
      process.exit(130);
    }
    received = signal;
    stop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped,
    dispose: () => {
      if (received !== undefined) return;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `idemgate record`: records until SIGINT/SIGTERM (or `stop`), then closes the tape. */
export async function recordCommand(argv: string[], hooks: { stop?: Promise<unknown>; onListening?: (urls: { url: string; upstreamUrl?: string }) => void } = {}): Promise<number> {
  const { values } = parseCommandArgs('record', argv, RECORD_OPTIONS);
  if (values.help) {
    console.log(RECORD_HELP);
    return 0;
  }
  if (values.to === undefined) throw new IdemgateError('USAGE', 'idemgate record needs --to URL: the service to forward to (e.g. --to http://127.0.0.1:3000)');
  if (values.out === undefined) throw new IdemgateError('USAGE', 'idemgate record needs --out FILE: the tape to write (e.g. --out incident.jsonl)');
  if (!/^https?:\/\//.test(values.to) || !URL.canParse(values.to)) {
    throw new IdemgateError('USAGE', `--to must be the service's http(s) URL (e.g. http://127.0.0.1:3000), got "${values.to}"`);
  }
  const listen = parseListen('--listen', values.listen ?? '127.0.0.1:4000');
  const upstreamTo = parseUpstreamTo(values['upstream-to'] ?? []);
  const configFile = resolve(values.config ?? findConfigFile());
  const { config } = await loadConfig(configFile);
  const apisByName = { ...config.record?.upstream, ...upstreamTo };
  const upstreamListen = values['upstream-listen'];
  if (upstreamListen === undefined && Object.keys(upstreamTo).length > 0) {
    throw new IdemgateError('USAGE', '--upstream-to needs --upstream-listen HOST:PORT: the address the service calls its provider APIs at');
  }
  if (upstreamListen !== undefined && Object.keys(apisByName).length === 0) {
    throw new IdemgateError('USAGE', '--upstream-listen needs where each API really is: --upstream-to API=URL (or the config\'s record.upstream)');
  }
  const apis = knownApis(config.apis);
  const targets: UpstreamTarget[] = Object.entries(apisByName).map(([name, baseUrl]) => {
    const api = apis.find((a) => a.name === name);
    return { name, baseUrl, ...(api === undefined ? {} : { api }) };
  });
  const unknownApis = targets.filter((t) => t.api === undefined).map((t) => t.name);

  const keyEnv = config.record?.pseudonymEnv ?? DEFAULT_PSEUDONYM_ENV;
  const keyText = process.env[keyEnv];
  const key = keyText === undefined || keyText === '' ? randomBytes(32) : Buffer.from(keyText, 'utf8');
  if (keyText !== undefined && keyText !== '') registerSecrets([keyText]);
  const redact = config.record?.redact ?? {};
  const out = resolve(values.out);
  // Handlers first: a signal from here on closes the tape instead of killing the process.
  const signals = hooks.stop === undefined ? untilSignal() : undefined;
  try {
    return await recordUntilStopped(values.to, out, signals?.stopped ?? hooks.stop!, {
      listen, keyText, keyEnv, key, redact, upstreamListen, targets, unknownApis, endpoints: config.target.endpoints ?? {},
      force: values.force === true, requestTimeoutMs: config.target.requestTimeoutMs, onListening: hooks.onListening,
    });
  } finally {
    signals?.dispose();
  }
}

async function recordUntilStopped(
  to: string,
  out: string,
  stop: Promise<unknown>,
  o: {
    listen: ListenAddress;
    keyText: string | undefined;
    keyEnv: string;
    key: Buffer;
    redact: NonNullable<NonNullable<IdemgateConfig['record']>['redact']>;
    upstreamListen: string | undefined;
    targets: UpstreamTarget[];
    unknownApis: string[];
    endpoints: Record<string, string>;
    force: boolean;
    requestTimeoutMs: number | undefined;
    onListening: ((urls: { url: string; upstreamUrl?: string }) => void) | undefined;
  },
): Promise<number> {
  const { listen, keyText, keyEnv, key, redact, upstreamListen, targets, unknownApis } = o;
  const recorder = await createRecorder({
    to,
    listen,
    out,
    overwrite: o.force,
    endpoints: o.endpoints,
    redactor: createRedactor({ key, ...redact }),
    ...(upstreamListen === undefined ? {} : { upstream: { listen: parseListen('--upstream-listen', upstreamListen), targets } }),
    log: (line) => console.error(line),
    ...(o.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: Math.max(o.requestTimeoutMs, 30_000) }),
  });
  const near = relative(process.cwd(), out);
  const shown = near === '' || near.startsWith('..') ? out : near;
  console.log(`idemgate record: ${recorder.url} → ${to}, writing ${shown} (Ctrl-C stops)`);
  for (const [provider, path] of Object.entries(o.endpoints)) console.log(`  ${provider.padEnd(16)} ${recorder.url}${path}`);
  if (recorder.upstreamUrl !== undefined) {
    for (const t of targets) {
      const env = t.api === undefined ? '' : `${t.api.baseUrlEnv}=`;
      console.log(`  upstream ${t.name}: ${env}${recorder.upstreamUrl}/${t.name} → ${t.baseUrl}`);
    }
    if (unknownApis.length > 0) console.log(`  (${unknownApis.join(', ')}: no provider API of that name; their calls are kept raw in upstream.recordedCalls)`);
  }
  console.log(keyText === undefined || keyText === '' ? `  pseudonyms: a random key for this recording only (set ${keyEnv} to keep them stable across recordings)` : `  pseudonyms: keyed by $${keyEnv}`);
  o.onListening?.({ url: recorder.url, ...(recorder.upstreamUrl === undefined ? {} : { upstreamUrl: recorder.upstreamUrl }) });

  const why = await stop;
  if (typeof why === 'string') console.error(`idemgate record: ${why}: closing the tape`);
  const summary = await recorder.close();
  for (const [request, count] of Object.entries(summary.unrecognised)) console.error(`  not recorded: ${request} ×${count} (no provider recognised)`);
  if (summary.file === undefined) {
    console.error(`idemgate record: no delivery was recorded; nothing to replay (${shown} not written)`);
    return 2;
  }
  const upstream = summary.upstreamCalls > 0 ? ` and ${summary.upstreamCalls} upstream call(s)` : '';
  console.log(`idemgate record: ${summary.exchanges} exchange(s)${upstream} recorded in ${shown}`);
  return 0;
}
