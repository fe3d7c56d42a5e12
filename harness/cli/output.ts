/**
 * The CLI's own streams, guarded once at start: everything written to stdout and stderr — ours,
 * a worker thread's, a target's output we repeat — is masked (secrets, URL passwords, private
 * keys, credential headers) and made terminal-safe before it reaches the terminal or a CI log.
 */
import { maskSecrets } from '../_internals/mask.ts';
import { terminalSafe } from '../_internals/terminal.ts';

let guarded = false;

function guard(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const allowColour = stream.isTTY === true;
  stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
    if (text === undefined) return write(chunk, ...rest);
    // A string chunk's encoding argument no longer applies: the text is written as utf8.
    const callback = rest.find((r) => typeof r === 'function');
    return write(terminalSafe(maskSecrets(text), allowColour), 'utf8', callback);
  }) as typeof stream.write;
}

/** Guards process.stdout and process.stderr (once per process). */
export function guardOutput(): void {
  if (guarded) return;
  guarded = true;
  guard(process.stdout);
  guard(process.stderr);
}
