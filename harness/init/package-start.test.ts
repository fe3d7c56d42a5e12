import { describe, expect, it } from 'vitest';
import { entryFile, inferStart, splitScript, translateScript } from './package-start.ts';

const all = (): boolean => true;
const none = (): boolean => false;

describe('start command from package.json', () => {
  it('runs `tsx X` under this Node with --import tsx, not through npm', () => {
    const s = inferStart({ scripts: { start: 'tsx src/main.ts' } }, all);
    expect(s.start).toEqual({ kind: 'node', args: ['--import', 'tsx', 'src/main.ts'] });
    expect(s.source).toBe('package.json scripts.start: "tsx src/main.ts"');
    expect(s.todo).toBeUndefined();
  });

  it('runs `node X` directly and keeps node flags', () => {
    expect(translateScript('node --enable-source-maps dist/server.js --port 3000').start).toEqual({
      kind: 'node',
      args: ['--enable-source-maps', 'dist/server.js', '--port', '3000'],
    });
  });

  it('drops watch mode and takes leading env assignments into env', () => {
    const s = translateScript('NODE_ENV=production LOG=info tsx watch src/index.ts');
    expect(s.start).toEqual({ kind: 'node', args: ['--import', 'tsx', 'src/index.ts'] });
    expect(s.env).toEqual({ NODE_ENV: 'production', LOG: 'info' });
    expect(s.notes.join(' ')).toMatch(/watch mode dropped/);
  });

  it('follows `npm run other` to the script it names', () => {
    const s = inferStart({ scripts: { start: 'npm run serve', serve: 'node server.js' } }, all);
    expect(s.start).toEqual({ kind: 'node', args: ['server.js'] });
    expect(s.source).toContain('scripts.serve: "node server.js"');
  });

  it('falls back to scripts.dev, then main, then bin', () => {
    expect(inferStart({ scripts: { dev: 'ts-node src/app.ts' } }, all).start).toEqual({
      kind: 'node',
      args: ['--import', 'tsx', 'src/app.ts'],
    });
    expect(inferStart({ main: 'lib/index.js' }, all).start).toEqual({ kind: 'node', args: ['lib/index.js'] });
    expect(inferStart({ bin: { shop: 'bin/shop.ts' } }, all).start).toEqual({ kind: 'node', args: ['--import', 'tsx', 'bin/shop.ts'] });
  });

  it('says when the entry is build output that does not exist yet', () => {
    const s = inferStart({ scripts: { start: 'node dist/main.js' } }, none);
    expect(s.todo).toMatch(/dist\/main\.js does not exist yet: build it/);
  });

  it('runs build output after scripts.build instead of a TODO: node dist/x.js, npm run build && …, nest start, next start', () => {
    const node = inferStart({ scripts: { start: 'node dist/main.js', build: 'tsc' } }, none);
    expect(node).toMatchObject({ start: { kind: 'node', args: ['dist/main.js'] }, build: { script: 'build', command: 'tsc' } });
    expect(node.todo).toBeUndefined();
    const chained = inferStart({ scripts: { start: 'npm run build && node dist/server.js', build: 'tsc -p .' } }, none);
    expect(chained).toMatchObject({ start: { kind: 'node', args: ['dist/server.js'] }, build: { command: 'tsc -p .' } });
    expect(chained.todo).toBeUndefined();
    const nest = inferStart({ scripts: { start: 'nest start', build: 'nest build' } }, none);
    expect(nest).toMatchObject({ start: { kind: 'node', args: ['dist/main.js'] }, build: { command: 'nest build' } });
    expect(nest.todo).toBeUndefined();
    const next = inferStart({ scripts: { start: 'next start -p 3000', build: 'next build' } }, none);
    expect(next).toMatchObject({ start: { kind: 'node', args: ['node_modules/next/dist/bin/next', 'start', '-p', '{port}'] }, build: { command: 'next build' }, portInArgs: true });
    expect(next.todo).toBeUndefined();
  });

  it('prefers next build + next start to next dev, and gives a bare dev server a longer start timeout', () => {
    const dev = inferStart({ scripts: { dev: 'next dev --turbo', build: 'next build' } }, none);
    expect(dev.start.args).toEqual(['node_modules/next/dist/bin/next', 'start', '-p', '{port}']);
    expect(dev.build?.command).toBe('next build');
    const bare = inferStart({ scripts: { dev: 'next dev' } }, none);
    expect(bare).toMatchObject({ start: { args: ['node_modules/next/dist/bin/next', 'dev', '-p', '{port}'] }, startTimeoutMs: 120_000 });
    expect(bare.build).toBeUndefined();
  });

  it('marks shell command lines and foreign tools as TODO', () => {
    expect(translateScript('npm run build && node dist/x.js').todo).toMatch(/shell command line/);
    const py = translateScript('python -m shop.server');
    expect(py.start).toEqual({ kind: 'exec', command: 'python', args: ['-m', 'shop.server'] });
    expect(py.todo).toMatch(/not node or tsx/);
  });

  it('guesses an entry file when there is no package.json, and says so', () => {
    const s = inferStart(undefined, (rel) => rel === 'src/index.ts');
    expect(s.start).toEqual({ kind: 'node', args: ['--import', 'tsx', 'src/index.ts'] });
    expect(s.todo).toMatch(/guessed the entry file src\/index\.ts/);
  });

  it('splits quoted arguments and finds the entry among flags', () => {
    expect(splitScript(`node -r dotenv/config "my app.js" 'a b'`)).toEqual(['node', '-r', 'dotenv/config', 'my app.js', 'a b']);
    expect(entryFile(['-r', 'dotenv/config', '--import', 'tsx', 'src/x.ts'])).toBe('src/x.ts');
  });
});
