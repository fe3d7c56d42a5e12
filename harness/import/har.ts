import { z } from 'zod';
import { parseSpan, splitJsonValues } from './json-text.ts';
import {
  countSkip,
  emptySource,
  importInvalid,
  keptHeaders,
  parseTimestamp,
  type ImportTarget,
  type ImportedDelivery,
  type InputFile,
  type SourceResult,
} from './source.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const nameValue = z.object({ name: z.string(), value: z.string() });

/** The parts of a HAR 1.2 entry the importer reads (everything else is ignored). */
const harEntrySchema = z.object({
  startedDateTime: z.string(),
  time: z.number().optional(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.array(nameValue).default([]),
    postData: z.object({ mimeType: z.string().optional(), text: z.string().optional(), encoding: z.string().optional() }).optional(),
  }),
  response: z
    .object({
      status: z.number().int(),
      headers: z.array(nameValue).default([]),
      content: z.object({ text: z.string().optional(), encoding: z.string().optional() }).partial().default({}),
    })
    .optional(),
});

/** The provider whose endpoint is this path (`/webhooks/stripe`), if any. */
function providerByPath(target: ImportTarget): (path: string) => string | undefined {
  const byPath = new Map<string, string>();
  for (const [provider, endpoint] of Object.entries(target.endpoints)) {
    const path = new URL(endpoint, 'http://x').pathname;
    if (!byPath.has(path)) byPath.set(path, provider);
  }
  return (path) => byPath.get(path);
}

/**
 * HAR 1.2 files (browser devtools, mitmproxy, Charles): the entries sent to one of the configured
 * webhook endpoints (`target.endpoints`, provider → path; the provider is the one whose path is
 * the request's), with the request body (`postData.text`, base64 when it says so), the request
 * headers without credentials, `startedDateTime` as the arrival time, `time` as the duration, and
 * the service's answer. Entries on no endpoint (the service's pages, its assets) are skipped and
 * counted.
 */
export function readHar(inputs: readonly InputFile[], target: ImportTarget): SourceResult {
  const result = emptySource();
  const providerOf = providerByPath(target);
  let index = 0;
  for (const { file, text } of inputs) {
    const spans = splitJsonValues(file, text, ['log', 'entries']);
    if (spans.length === 0) throw importInvalid({ file, line: 1 }, 'empty: not a HAR file');
    if (spans.length > 1) throw importInvalid({ file, line: spans[1]!.line }, 'a HAR file holds one JSON document; another starts here');
    const span = spans[0]!;
    const har = parseSpan(file, text, span);
    const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
    if (!Array.isArray(entries)) throw importInvalid({ file, line: span.line }, 'not a HAR file: no log.entries array');
    entries.forEach((raw, k) => {
      const origin = { file, line: span.itemLines[k] ?? span.line };
      const parsed = harEntrySchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw importInvalid(origin, `bad HAR entry: ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
      }
      const entry = parsed.data;
      let url: URL;
      try {
        url = new URL(entry.request.url);
      } catch (e) {
        throw importInvalid(origin, `bad HAR entry: request.url "${entry.request.url}" is not a URL`, e);
      }
      const provider = providerOf(url.pathname);
      if (provider === undefined) return countSkip(result, 'HAR entries on no endpoint');
      const method = entry.request.method.toUpperCase();
      // A CORS preflight (OPTIONS) or a HEAD probe on the endpoint is not a delivery.
      if (!METHODS.has(method)) return countSkip(result, `HAR ${method} requests on an endpoint`);
      const time = parseTimestamp(entry.startedDateTime);
      if ('error' in time) throw importInvalid(origin, `bad HAR entry: startedDateTime: ${time.error}`);
      const post = entry.request.postData;
      const base64 = post?.encoding === 'base64';
      const delivery: ImportedDelivery = {
        provider,
        method: method as ImportedDelivery['method'],
        path: `${url.pathname}${url.search}`,
        headers: keptHeaders(entry.request.headers.map((h) => [h.name, h.value] as const)),
        body: base64 ? (post?.text ?? '').replace(/\s+/g, '') : (post?.text ?? ''),
        bodyEncoding: base64 ? 'base64' : 'utf8',
        at: time.ms,
        recordedAt: time.iso,
        origin,
        tie: index++,
      };
      if (post?.mimeType !== undefined && post.mimeType !== '' && delivery.headers['content-type'] === undefined) {
        delivery.headers['content-type'] = post.mimeType;
      }
      if (entry.time !== undefined && entry.time >= 0) delivery.durationMs = entry.time;
      const response = entry.response;
      // Status 0: the browser or proxy never got an answer (blocked, aborted).
      if (response !== undefined && response.status >= 100 && response.status <= 599) {
        const content = response.content;
        const body = content.encoding === 'base64' ? Buffer.from(content.text ?? '', 'base64').toString('utf8') : (content.text ?? '');
        delivery.response = { status: response.status, headers: keptHeaders(response.headers.map((h) => [h.name, h.value] as const)), body };
      }
      result.deliveries.push(delivery);
    });
  }
  return result;
}
