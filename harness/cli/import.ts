import { resolve } from 'node:path';
import { describeError, IdemgateError } from '../errors.ts';
import { didYouMean } from '../_internals/suggest.ts';
import { parseCommandArgs } from './args.ts';
import { findConfigFile, loadConfig } from '../runner/load.ts';
import { formatImportSummary, IMPORT_KINDS, importTraffic, type ImportKind } from '../import/import-traffic.ts';
import { DEFAULT_INBOX_COLUMNS } from '../import/inbox.ts';
import { parseOffset } from '../import/source.ts';

export const IMPORT_HELP = `idemgate import — turn traffic recorded during an incident into a tape

Usage:
  idemgate import stripe-events FILE... --out TAPE [--config FILE] [--name N] [--upstream FILE]
  idemgate import har FILE... --out TAPE [--config FILE] [--name N] [--upstream FILE]
  idemgate import inbox FILE... --out TAPE [--provider P | --provider-column C] [--body-column C]
                  [--headers-column C] [--received-at-column C] [--config FILE] [--name N] [--upstream FILE]
  idemgate import fpx-log FILE... --out TAPE [--log-offset +08:00] [--config FILE] [--name N] [--upstream FILE]

Kinds:
  stripe-events  Events API list JSON (one page or many; \`stripe events list\` prints the same) and
                 \`stripe listen --print-json\` output (one event a line, or pretty-printed events
                 one after another); ordered by created, one exchange per event, unsigned.
  har            HAR 1.2 files (browser devtools, proxies): the entries sent to a configured
                 endpoint (target.endpoints), with the service's answers; other entries are skipped.
  inbox          The service's stored webhooks: a CSV, JSONL or JSON array export of its inbox table.
  fpx-log        Log lines holding FPX AC messages (form encoded or key=value pairs, after any prefix).

Options:
  --out FILE                 the tape to write (required); nothing is written when an input is bad
  --config FILE              config for endpoints and known providers (default: idemgate.config.ts
                             here or in a parent folder; none: the built-in providers at the reference
                             service's paths)
  --name N                   the tape's name (default: the out file's name)
  --provider P               inbox: every row is provider P
  --provider-column C        inbox: the column naming each row's provider (default: provider)
  --body-column C            inbox: the request body (default: body)
  --headers-column C         inbox: the request headers as a JSON object (default: headers, if present)
  --received-at-column C     inbox: when it arrived, ISO 8601 with an offset or Unix time (default: received_at)
  --log-offset Z|+HH:MM      fpx-log: the zone of log timestamps written without one
  --upstream FILE            a JSON object of what the providers' APIs answered, for the tape header's
                             upstream ({"shopee":{"escrow":{"<ordersn>":{…}}}}: a COMPLETED push needs it)

A bad input (truncated JSON, a row without a body, an unknown provider, one event id with two
bodies, an event its adapter cannot read) exits 2 naming the input's file:line.`;

const OPTIONS = {
  out: { type: 'string' },
  config: { type: 'string' },
  name: { type: 'string' },
  provider: { type: 'string' },
  'provider-column': { type: 'string' },
  'body-column': { type: 'string' },
  'headers-column': { type: 'string' },
  'received-at-column': { type: 'string' },
  'log-offset': { type: 'string' },
  upstream: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flags only one kind reads. */
const KIND_FLAGS: Readonly<Record<string, ImportKind>> = {
  provider: 'inbox',
  'provider-column': 'inbox',
  'body-column': 'inbox',
  'headers-column': 'inbox',
  'received-at-column': 'inbox',
  'log-offset': 'fpx-log',
};

const isKind = (word: string): word is ImportKind => (IMPORT_KINDS as readonly string[]).includes(word);

/** The config named by --config, else the one found from here; none found: undefined (built-in defaults). */
async function configFor(flag: string | undefined) {
  if (flag !== undefined) return (await loadConfig(resolve(flag))).config;
  let file: string;
  try {
    file = findConfigFile();
  } catch {
    return undefined;
  }
  return (await loadConfig(file)).config;
}

/** `idemgate import KIND FILE... --out TAPE`: argument parsing only. Exit 0 written, 2 usage or input error. */
export async function importCommand(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs('import', argv, OPTIONS, true);
    if (values.help) {
      console.log(IMPORT_HELP);
      return 0;
    }
    const [kind, ...files] = positionals;
    if (kind === undefined) throw new IdemgateError('USAGE', `idemgate import needs a kind: ${IMPORT_KINDS.join(', ')} (idemgate import --help)`);
    if (!isKind(kind)) {
      throw new IdemgateError('USAGE', `unknown import kind "${kind}"${didYouMean(kind, IMPORT_KINDS)} (kinds: ${IMPORT_KINDS.join(', ')})`);
    }
    for (const [flag, owner] of Object.entries(KIND_FLAGS)) {
      if (owner !== kind && values[flag as keyof typeof values] !== undefined) {
        throw new IdemgateError('USAGE', `--${flag} is for idemgate import ${owner}, not ${kind}`);
      }
    }
    if (files.length === 0) throw new IdemgateError('USAGE', `idemgate import ${kind} needs at least one input file`);
    if (values.out === undefined) throw new IdemgateError('USAGE', `idemgate import needs --out FILE, the tape to write`);
    if (values.provider !== undefined && values['provider-column'] !== undefined) {
      throw new IdemgateError('USAGE', '--provider (one provider for every row) and --provider-column exclude each other');
    }
    let logOffsetMinutes: number | undefined;
    if (values['log-offset'] !== undefined) {
      logOffsetMinutes = parseOffset(values['log-offset']);
      if (logOffsetMinutes === undefined) throw new IdemgateError('USAGE', `--log-offset must be Z or +HH:MM / -HH:MM, got "${values['log-offset']}"`);
    }
    const config = await configFor(values.config);
    const summary = await importTraffic({
      kind,
      files,
      out: values.out,
      name: values.name,
      config,
      columns: {
        body: values['body-column'] ?? DEFAULT_INBOX_COLUMNS.body,
        headers: values['headers-column'] ?? DEFAULT_INBOX_COLUMNS.headers,
        requireHeaders: values['headers-column'] !== undefined,
        receivedAt: values['received-at-column'] ?? DEFAULT_INBOX_COLUMNS.receivedAt,
        providerColumn: values['provider-column'] ?? DEFAULT_INBOX_COLUMNS.providerColumn,
        provider: values.provider,
      },
      logOffsetMinutes,
      upstreamFile: values.upstream,
    });
    console.log(formatImportSummary(summary));
    return 0;
  } catch (e) {
    console.error(`idemgate: ${describeError(e)}`);
    return 2;
  }
}
