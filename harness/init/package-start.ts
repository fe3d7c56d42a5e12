/**
 * How to start the service, from its package.json. A `tsx X` / `node X` script becomes
 * `process.execPath` with `['--import', 'tsx', X]` / `[X]`: the harness stops the target with
 * SIGTERM and waits for it to drain, and `npm run start` does not forward SIGTERM to its child
 * (npm exits, the server is orphaned and keeps its port and database connections).
 */
export interface PackageJson {
  name?: string;
  main?: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export type StartCommand =
  /** Run with this Node (`process.execPath`) and these args. */
  | { kind: 'node'; args: string[] }
  /** Any other program. */
  | { kind: 'exec'; command: string; args: string[] };

export interface StartInference {
  start: StartCommand;
  /** Env assignments the script made (`PORT=3000 tsx …`). */
  env: Record<string, string>;
  /** Where the command came from: `package.json scripts.start: "tsx src/main.ts"`. */
  source: string;
  /** Things the reader should know (watch mode dropped, ts-node replaced…). */
  notes: string[];
  /** Set when the command is a guess the user must check. */
  todo?: string;
  /** The command runs build output: `scripts.build` must run first (the workflow gets a build step). */
  build?: { script: 'build'; command: string };
  /** The command itself takes the port (`next start -p {port}`), so the service needs no PORT read. */
  portInArgs?: boolean;
  /** A start timeout longer than the default, for dev servers that compile on start. */
  startTimeoutMs?: number;
}

/** Next.js's CLI, run with this Node (`next` is a shell shim in node_modules/.bin). */
export const NEXT_BIN = 'node_modules/next/dist/bin/next';

/** Drops `-p N` / `--port N` / `--port=N` (the harness gives the port). */
const dropPort = (args: string[]): string[] =>
  args.filter((a, i) => !/^(-p|--port)(=.*)?$/.test(a) && !/^(-p|--port)$/.test(args[i - 1] ?? ''));

const SHELL = /&&|\|\||[;|`]|\$\(|[<>]/;
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Splits a script on whitespace, honouring simple single and double quotes. */
export function splitScript(script: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of script.matchAll(re)) tokens.push(m[1] ?? m[2] ?? m[3] ?? '');
  return tokens;
}

const isTs = (file: string): boolean => /\.[cm]?tsx?$/.test(file);

const VALUE_FLAGS = new Set(['--import', '-r', '--require', '--loader', '--experimental-loader', '--env-file']);

/** The script file among node args (the first one that is neither a flag nor a flag's value). */
export function entryFile(args: readonly string[]): string | undefined {
  return args.find((a, i) => !a.startsWith('-') && !VALUE_FLAGS.has(args[i - 1] ?? ''));
}

/**
 * Translates one script (`tsx watch src/main.ts`, `node dist/index.js`, `NODE_ENV=test node x.js`)
 * into a direct command. `scripts` lets `npm run other` be followed.
 */
export function translateScript(
  script: string,
  scripts: Record<string, string> = {},
  source = `"${script}"`,
  depth = 0,
): StartInference {
  const env: Record<string, string> = {};
  const notes: string[] = [];
  // `npm run build && node dist/main.js`: the build goes to the workflow, the rest is the command.
  const buildFirst = /^(npm run|pnpm( run)?|yarn( run)?) build\s*&&\s*(.+)$/.exec(script.trim());
  if (buildFirst !== null && scripts.build !== undefined && !SHELL.test(buildFirst[4]!)) {
    const inner = translateScript(buildFirst[4]!, scripts, source, depth + 1);
    return { ...inner, build: { script: 'build', command: scripts.build } };
  }
  if (SHELL.test(script)) {
    return {
      start: { kind: 'exec', command: 'sh', args: ['-c', `exec ${script}`] },
      env,
      source,
      notes,
      todo: 'the script is a shell command line; run the server directly (node/tsx …) so SIGTERM reaches it',
    };
  }
  let tokens = splitScript(script);
  if (tokens[0] === 'cross-env' || tokens[0] === 'env') tokens = tokens.slice(1);
  while (tokens[0] !== undefined && ASSIGN.test(tokens[0])) {
    const [, key, value] = ASSIGN.exec(tokens.shift()!)!;
    env[key!] = value!;
  }
  const [tool, ...rest] = tokens;
  if (tool === undefined) return { start: { kind: 'node', args: [] }, env, source, notes, todo: 'the start script is empty' };

  if ((tool === 'npm' || tool === 'pnpm' || tool === 'yarn') && depth < 3) {
    const name = rest[0] === 'run' || rest[0] === 'run-script' ? rest[1] : rest[0];
    const next = name === undefined ? undefined : scripts[name];
    if (next !== undefined) {
      const inner = translateScript(next, scripts, `${source} → scripts.${name}: "${next}"`, depth + 1);
      return { ...inner, env: { ...env, ...inner.env } };
    }
  }
  const dropWatch = (args: string[]): string[] => {
    const kept = args.filter((a) => a !== 'watch' && a !== '--watch' && !a.startsWith('--watch-path'));
    if (kept.length !== args.length) notes.push('watch mode dropped: the harness starts and stops the service itself');
    return kept;
  };
  const build = scripts.build === undefined ? undefined : { script: 'build' as const, command: scripts.build };
  if (tool === 'next' && (rest[0] === 'start' || rest[0] === 'dev' || rest[0] === undefined)) {
    const sub = rest[0] ?? 'dev';
    const flags = dropPort(rest.slice(1)).filter((a) => a !== '--turbo' && a !== '--turbopack');
    if (sub === 'start' || build?.command.includes('next build') === true) {
      if (sub === 'dev') notes.push('`next dev` replaced by `next start` on the output of `next build`: a dev server compiles each route on its first request');
      notes.push('Next.js is run through its CLI file with this Node, on the harness\'s port (-p {port})');
      return { start: { kind: 'node', args: [NEXT_BIN, 'start', ...flags, '-p', '{port}'] }, env, source, notes, portInArgs: true, ...(build === undefined ? {} : { build }) };
    }
    notes.push('no next build script: the dev server is run, with a 120 s start timeout (it compiles on start)');
    return { start: { kind: 'node', args: [NEXT_BIN, 'dev', ...flags, '-p', '{port}'] }, env, source, notes, portInArgs: true, startTimeoutMs: 120_000 };
  }
  if (tool === 'nest' && rest[0] === 'start') {
    notes.push('`nest start` replaced by its build output (`nest build` writes dist/main.js) run with this Node');
    if (rest.includes('--watch') || rest.includes('-w')) notes.push('watch mode dropped: the harness starts and stops the service itself');
    return { start: { kind: 'node', args: ['dist/main.js'] }, env, source, notes, build: build ?? { script: 'build', command: 'nest build' } };
  }
  if (tool === 'tsx') return { start: { kind: 'node', args: ['--import', 'tsx', ...dropWatch(rest)] }, env, source, notes };
  if (tool === 'node') return { start: { kind: 'node', args: dropWatch(rest) }, env, source, notes };
  if (tool === 'ts-node' || tool === 'ts-node-esm' || tool === 'ts-node-dev' || tool === 'nodemon') {
    const args = dropWatch(rest).filter((a) => !a.startsWith('-'));
    const file = args[0];
    notes.push(`${tool} replaced by node${file !== undefined && isTs(file) ? ' --import tsx' : ''}`);
    const start: StartCommand =
      file !== undefined && !isTs(file) ? { kind: 'node', args } : { kind: 'node', args: ['--import', 'tsx', ...args] };
    return { start, env, source, notes };
  }
  return {
    start: { kind: 'exec', command: tool, args: rest },
    env,
    source,
    notes,
    todo: `\`${tool}\` is not node or tsx: check that it runs the server in the foreground and exits on SIGTERM`,
  };
}

/**
 * The start command of a package: scripts.start, else scripts.dev, else `main`, else the first
 * `bin`. `exists` answers whether a file (relative to the package) exists, to warn about build output.
 */
export function inferStart(pkg: PackageJson | undefined, exists: (rel: string) => boolean): StartInference {
  const scripts = pkg?.scripts ?? {};
  const fromFile = (file: string, source: string): StartInference => ({
    start: { kind: 'node', args: isTs(file) ? ['--import', 'tsx', file] : [file] },
    env: {},
    source,
    notes: [],
  });
  let inferred: StartInference | undefined;
  for (const name of ['start', 'dev', 'serve'] as const) {
    const script = scripts[name];
    if (script !== undefined) {
      inferred = translateScript(script, scripts, `package.json scripts.${name}: "${script}"`);
      if (name !== 'start') inferred.notes.push(`no scripts.start; scripts.${name} used`);
      break;
    }
  }
  if (inferred === undefined && pkg?.main !== undefined) inferred = fromFile(pkg.main, `package.json main: "${pkg.main}"`);
  if (inferred === undefined && pkg?.bin !== undefined) {
    const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0];
    if (bin !== undefined) inferred = fromFile(bin, `package.json bin: "${bin}"`);
  }
  if (inferred === undefined) {
    const guess = ['src/main.ts', 'src/index.ts', 'src/server.ts', 'server.js', 'index.js'].find(exists);
    return {
      ...fromFile(guess ?? 'src/main.ts', pkg === undefined ? 'no package.json' : 'package.json has no start script, main or bin'),
      todo: guess === undefined ? 'no start command found: set the entry file of your server' : `guessed the entry file ${guess}: check it`,
    };
  }
  if (inferred.start.kind === 'node' && inferred.todo === undefined && inferred.build === undefined) {
    const file = entryFile(inferred.start.args);
    if (file !== undefined && !file.startsWith('node_modules/') && !exists(file)) {
      // Build output: `scripts.build` makes it (the workflow runs it first), else the user must say how.
      if (scripts.build !== undefined) inferred.build = { script: 'build', command: scripts.build };
      else inferred.todo = `${file} does not exist yet: build it before the gate runs (e.g. \`npm run build\` in the workflow)`;
    }
  }
  return inferred;
}
