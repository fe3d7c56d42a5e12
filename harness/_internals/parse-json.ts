import type { z } from 'zod';
import { IdemgateError } from '../errors.ts';

/**
 * Parses a report file's text against its schema; anything else is REPORTS_INVALID naming the file
 * and the first bad field ("<source> is not <what>: path: message").
 *
 * @example
 * parseReportFile(text, 'shard-1/results.json', runReportSchema, 'an idemgate results.json (version 1)');
 */
export function parseReportFile<S extends z.ZodType>(text: string, source: string, schema: S, what: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new IdemgateError('REPORTS_INVALID', `${source} is not JSON: ${(e as Error).message}`, { details: { file: source } });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IdemgateError('REPORTS_INVALID', `${source} is not ${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      details: { file: source },
    });
  }
  return parsed.data;
}
