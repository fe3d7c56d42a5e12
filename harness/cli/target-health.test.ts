import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli } from './testdata/project.ts';

/**
 * A target's own death or hang is reported as `errored` (exit 2) naming its exit code, signal or
 * the request in flight, never as broken invariants with a replay command that cannot reproduce it.
 */

/**
 * A tiny webhook receiver with no database: it answers 200 to every webhook (so the money
 * invariants break on their own) until request `after`, then does what `mode` says.
 */
const SERVER = `import { createServer } from 'node:http';
const [mode, after] = [process.argv[2], Number(process.argv[3])];
let served = 0;
let hung = false;
createServer((req, res) => {
  if (req.url === '/health') {
    if (!hung) res.end('ok');
    return;
  }
  req.resume();
  req.on('end', () => {
    served++;
    if (served > after) {
      if (mode === 'exit') {
        process.stderr.write('boom: ledger connection lost\\n', () => process.exit(3));
        return;
      }
      if (mode === 'kill') {
        process.stderr.write('about to be killed\\n', () => process.kill(process.pid, 'SIGKILL'));
        return;
      }
      if (mode === 'hang') {
        hung = true;
        return;
      }
    }
    if (mode === 'slow') setTimeout(() => res.end('{}'), 30);
    else res.end('{}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Results {
  summary: { verdict: string };
  results: { status: string; error?: { code: string; message: string }; replayCommand?: string }[];
}

describe('target health in the verdict (CLI)', () => {
  let dir: string;
  let server: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'idemgate-health-'));
    server = join(dir, 'server.mjs');
    writeFileSync(server, SERVER);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const commandTarget = (mode: string, after: number): string =>
    `{ kind: 'command', command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(server)}, '${mode}', '${after}'], healthPath: '/health' }`;
  const results = (project: string): Results => JSON.parse(readFileSync(join(dir, project, 'reports', 'results.json'), 'utf8')) as Results;
  const gate = (config: string) => runCli(['gate', '--config', config, '--runs', '5', '--seed', '7', '--pglite']);

  it('a target that exits mid-run is errored (exit 2) with its exit code and last stderr line, not broken invariants', async () => {
    const config = makeProject(join(dir, 'exit'), { target: commandTarget('exit', 3) });
    const r = await gate(config);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('TARGET_CRASHED');
    expect(r.out).toContain('exited with code 3');
    expect(r.out).toContain('boom: ledger connection lost');
    expect(r.out).toContain('schedule 1');
    expect(r.out).not.toContain('broken invariant');
    expect(r.out).not.toContain('replay:');
    const doc = results('exit');
    expect(doc.summary.verdict).toBe('errored');
    expect(doc.results[0]!.status).toBe('errored');
    expect(doc.results[0]!.error?.code).toBe('TARGET_CRASHED');
    expect(doc.results[0]!.error?.message).toContain('exited with code 3');
    expect(doc.results[0]!.error?.message).toContain('boom: ledger connection lost');
    expect(doc.results[0]!.replayCommand).toBeUndefined();
  }, 120_000);

  it('a target that dies after the clean replay passed ends the exploration errored, naming the later schedule', async () => {
    // No ledger and no faults: the clean replay (43 requests) passes, and the target exits in a later schedule.
    const config = makeProject(join(dir, 'later'), { target: commandTarget('exit', 50), ledger: false, faults: '[]' });
    const r = await gate(config);
    expect(r.status, r.out).toBe(2);
    const error = results('later').results[0]!.error;
    expect(error?.code).toBe('TARGET_CRASHED');
    expect(Number(/during schedule (\d+)/.exec(error?.message ?? '')?.[1])).toBeGreaterThan(1);
    expect(r.out).not.toContain('replay:');

    // With a worker (its own target, which dies the same way) the result is the same kind of error.
    const parallel = await runCli(['gate', '--config', config, '--runs', '20', '--seed', '7', '--pglite', '--workers', '2']);
    expect(parallel.status, parallel.out).toBe(2);
    expect(results('later').results[0]!.error?.code).toBe('TARGET_CRASHED');
    expect(parallel.out).toContain('exited with code 3');
    expect(parallel.out).not.toContain('replay:');
  }, 180_000);

  it('a harness-owned worker that dies on its own is errored naming the worker, its exit code and last output', async () => {
    const worker = `console.log('ready'); setTimeout(() => process.stderr.write('worker lost its queue\\n', () => process.exit(4)), 300); setInterval(() => {}, 1000);`;
    const workers = `{ start: { kind: 'command', command: ${JSON.stringify(process.execPath)}, args: ['-e', ${JSON.stringify(worker)}], readyPattern: 'ready' }, count: 2 }`;
    const config = makeProject(join(dir, 'worker'), { target: commandTarget('ok', 1e9), workers, ledger: false, faults: '[]' });
    const r = await runCli(['gate', '--config', config, '--runs', '50', '--seed', '7', '--pglite', '--workers', '1']);
    expect(r.status, r.out).toBe(2);
    const error = results('worker').results[0]!.error;
    expect(error?.code).toBe('TARGET_CRASHED');
    expect(error?.message).toMatch(/the target's worker [01] \(`.*`\) exited with code 4 during schedule \d+/s);
    expect(error?.message).toContain('worker lost its queue');
    expect(r.out).not.toContain('replay:');
  }, 120_000);

  it('a target killed by a signal is errored naming the signal', async () => {
    const config = makeProject(join(dir, 'kill'), { target: commandTarget('kill', 3) });
    const r = await gate(config);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('TARGET_CRASHED');
    expect(r.out).toContain('killed by SIGKILL');
    expect(r.out).not.toContain('broken invariant');
    expect(results('kill').results[0]!.error?.message).toContain('SIGKILL');
  }, 120_000);

  it('a target that stops answering is errored naming the request in flight, within the request timeout', async () => {
    const config = makeProject(join(dir, 'hang'), { target: commandTarget('hang', 3), requestTimeoutMs: 300 });
    const r = await gate(config);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('TARGET_UNRESPONSIVE');
    expect(r.out).toContain('stopped answering');
    // The fourth request is the one the target never answered.
    expect(r.out).toMatch(/in flight: .*stripe.*\/webhooks\/stripe/);
    expect(r.out).not.toContain('broken invariant');
    expect(results('hang').results[0]!.error?.code).toBe('TARGET_UNRESPONSIVE');
  }, 120_000);

  it('a target that is merely slow but answers within the timeout is judged on its invariants as before', async () => {
    const config = makeProject(join(dir, 'slow'), { target: commandTarget('slow', 0) });
    const r = await gate(config);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('broken invariant');
    expect(r.out).not.toMatch(/TARGET_(CRASHED|UNRESPONSIVE)/);
    expect(results('slow').results[0]!.status).toBe('failed');
  }, 120_000);

  it('the naive target under lost acks and concurrent duplicates still fails on invariants, with no false crash report', async () => {
    const config = makeProject(join(dir, 'naive'), {
      target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }",
      faults: '[lostAcks(), concurrentDuplicates({ maxWidth: 3 })]',
      scenarios: undefined,
    });
    // The default scenario imports sequentialDuplicates only: write one with the aborting faults.
    const scenario = join(dir, 'naive', 'scenarios', 'naive.test.ts');
    writeFileSync(scenario, readFileSync(scenario, 'utf8').replace('import { defineScenario, sequentialDuplicates }', 'import { concurrentDuplicates, defineScenario, lostAcks }'));
    const r = await gate(config);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('broken invariant');
    expect(r.out).not.toMatch(/TARGET_(CRASHED|UNRESPONSIVE)/);
  }, 120_000);
});
