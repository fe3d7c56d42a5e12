import { closeSync, fdatasyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { maskDeep } from '../_internals/mask.ts';
import { IdemgateError } from '../errors.ts';
import { exchangeSchema, tapeHeaderSchema, type ExchangeInput, type TapeHeader } from '../tape/schema.ts';

/**
 * A tape written as it is recorded. The header is line 1 and each exchange one more line, written
 * with one `write(2)` each as soon as the exchange is complete: a recorder that crashes (or is
 * killed) leaves every completed line in the file, readable by `readTape`. What only the end of a
 * recording knows (the upstream answers) goes into the header on `finish`, which writes the
 * header and the lines already written to a temporary file beside it, syncs it and renames it over
 * the tape, so the tape on disk is at every moment either the running one or the finished one.
 */
export interface TapeFile {
  readonly path: string;
  /** Exchanges written so far. */
  readonly count: number;
  /** Appends one exchange (validated and masked like `writeTape`); returns its line. */
  append(exchange: ExchangeInput): string;
  /**
   * Rewrites line 1 with the final header (atomically: a temporary file renamed over the tape) and
   * closes the file. With no exchange written, removes the file instead (a header-only tape is not
   * a tape) and returns false.
   */
  finish(header?: Partial<Pick<TapeHeader, 'upstream' | 'description'>>): boolean;
}

/**
 * Creates the tape file (refusing to replace one unless `overwrite`) and writes its header.
 *
 * @example
 * const tape = createTapeFile('incident.jsonl', { format: 'idemgate-tape', version: 1, name: 'incident', createdAt, source: { kind: 'proxy' } });
 * tape.append({ seq: 1, provider: 'stripe', method: 'POST', path: '/hooks/stripe', body, recordedAt });
 * tape.finish({ upstream: { shopee: { escrow } } });
 */
export function createTapeFile(path: string, header: TapeHeader, { overwrite = false } = {}): TapeFile {
  const first = JSON.stringify(maskDeep(tapeHeaderSchema.parse(header)));
  let fd: number;
  try {
    fd = openSync(path, overwrite ? 'w' : 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'it already exists (pass --force to replace it)' : (e as Error).message;
    throw new IdemgateError('USAGE', `cannot write the tape ${path}: ${why}`, { cause: e });
  }
  writeSync(fd, `${first}\n`);
  let count = 0;
  let lastSeq = 0;
  let open = true;
  return {
    path,
    get count() {
      return count;
    },
    append(exchange) {
      if (!open) throw new IdemgateError('USAGE', `the tape ${path} is finished`);
      const parsed = exchangeSchema.parse(exchange);
      if (parsed.seq <= lastSeq) throw new IdemgateError('USAGE', `seq ${parsed.seq} after ${lastSeq} in ${path}`);
      lastSeq = parsed.seq;
      const line = JSON.stringify(maskDeep(parsed));
      // One write per line: a crash leaves whole lines (the reader skips nothing it cannot parse).
      writeSync(fd, `${line}\n`);
      count++;
      return line;
    },
    finish(final = {}) {
      if (!open) return count > 0;
      open = false;
      fdatasyncSync(fd);
      closeSync(fd);
      if (count === 0) {
        rmSync(path, { force: true });
        return false;
      }
      if (final.upstream === undefined && final.description === undefined) return true;
      const finished = JSON.stringify(maskDeep(tapeHeaderSchema.parse({ ...header, ...final })));
      const text = readFileSync(path, 'utf8');
      const rest = text.slice(text.indexOf('\n') + 1);
      const temp = `${path}.${process.pid}.tmp`;
      const out = openSync(temp, 'w');
      try {
        writeSync(out, `${finished}\n${rest}`);
        fdatasyncSync(out);
      } finally {
        closeSync(out);
      }
      renameSync(temp, path);
      return true;
    },
  };
}
