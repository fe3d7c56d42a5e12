import { parseArgs, type ParseArgsConfig } from 'node:util';
import { IdemgateError } from '../errors.ts';
import { didYouMean } from '../_internals/suggest.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` for one command, whose mistakes are usage errors that name the command, the flag and
 * the closest flag it knows: `unknown option --runz for idemgate run; did you mean --runs?`.
 */
export function parseCommandArgs<O extends Options, P extends boolean = false>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals?: P,
  /** Flags another command takes, by name: `--mutate` given to `run` says it belongs to `gate`. */
  elsewhere: Readonly<Record<string, string>> = {},
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: P; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: (allowPositionals ?? false) as P, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === undefined || !code.startsWith('ERR_PARSE_ARGS')) throw e;
    const help = `(idemgate ${command} --help lists its options)`;
    const flag = /'(-{1,2}[^'\s=]+)/.exec((e as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined) {
      const owner = elsewhere[flag.replace(/^-+/, '')];
      if (owner !== undefined)
        throw new IdemgateError('USAGE', `${flag} belongs to idemgate ${owner}, not idemgate ${command}`);
      const suggestion = didYouMean(flag.replace(/^-+/, ''), Object.keys(options), (w) => `--${w}`);
      throw new IdemgateError('USAGE', `unknown option ${flag} for idemgate ${command}${suggestion} ${help}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const word = /'([^']+)'/.exec((e as Error).message)?.[1] ?? '';
      throw new IdemgateError('USAGE', `idemgate ${command} takes no argument "${word}" ${help}`);
    }
    throw new IdemgateError('USAGE', `idemgate ${command}: ${(e as Error).message} ${help}`);
  }
}

/** A usage error naming each unknown scenario, the closest known name for each, and the known ones. */
export function unknownScenario(unknown: readonly string[], all: readonly { name: string }[]): IdemgateError {
  const names = all.map((s) => s.name);
  const each = unknown.map((n) => `${n}${didYouMean(n, names).replace(/^; /, ' (').replace(/\?$/, '?)')}`);
  return new IdemgateError('USAGE', `unknown scenario ${each.join(', ')}; known: ${names.join(', ') || '(none)'}`);
}
