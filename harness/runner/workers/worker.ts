/**
 * A schedule worker thread: its own session (target instance and database), the same config and
 * scenarios as the main thread, executing the schedule draws it is sent. See pool.ts.
 */
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { errorCodeOf, errorMessageOf, isIdemgateError } from '../../errors.ts';
import type { LedgerRow } from '../../invariants/invariant.ts';
import { adapterResolver } from '../../providers/registry.ts';
import { loadConfig, loadScenarios } from '../load.ts';
import { executeDraw, invariantsOf, loadScenarioTape, prepareTape, replayerFor, type ScenarioRunContext } from '../run-scenario.ts';
import { openSession, type Session } from '../session.ts';
import { onTargetGroup } from '../../targets/start.ts';
import type { FromWorker, ToWorker, WorkerData } from './protocol.ts';

const port = parentPort!;
const data = workerData as WorkerData;
const post = (message: FromWorker): void => port.postMessage(message);
/** A target that died or hung sends its details too, for the main thread to name the schedule. */
const failure = (e: unknown) => ({
  code: errorCodeOf(e),
  message: errorMessageOf(e),
  ...(isIdemgateError(e, 'TARGET_CRASHED') || isIdemgateError(e, 'TARGET_UNRESPONSIVE') ? { details: e.details } : {}),
});

// Before any target starts: the main thread must know every group this worker's targets run in.
onTargetGroup(({ pgid, live }) => post({ type: 'group', pgid, live }));

let session: Session | undefined;
const runs = new Map<string, { run: ScenarioRunContext; baseline: LedgerRow[] }>();

try {
  const { config, rootDir } = await loadConfig(data.configFile, 'tsx');
  const all = await loadScenarios(resolve(rootDir, config.scenarios ?? 'scenarios'), 'tsx');
  const scenarios = data.scenarios.map((name) => {
    const scenario = all.find((s) => s.name === name);
    if (scenario === undefined) throw new Error(`worker ${data.index}: scenario ${name} is not in ${config.scenarios ?? 'scenarios'}/`);
    return scenario;
  });
  const tapes = await Promise.all(scenarios.map((s) => loadScenarioTape(s, rootDir, config)));
  session = await openSession({ config, rootDir, tapes, ...(data.databaseUrl === undefined ? {} : { databaseUrl: data.databaseUrl }) });
  const opened = session;

  port.on('message', (message: ToWorker) => {
    void (async () => {
      switch (message.type) {
        case 'prepare': {
          const i = scenarios.findIndex((s) => s.name === message.scenario);
          const scenario = scenarios[i]!;
          const prepared = prepareTape(tapes[i]!, adapterResolver(config));
          const previous = runs.get(message.scenario);
          await previous?.run.replayer.close();
          runs.set(message.scenario, {
            run: { session: opened, prepared, invariants: invariantsOf(scenario), extensions: scenario.extensions, replayer: replayerFor(opened, prepared.tape) },
            baseline: message.baseline,
          });
          post({ type: 'prepared', scenario: message.scenario });
          return;
        }
        case 'execute': {
          const entry = runs.get(message.scenario);
          if (entry === undefined) throw new Error(`worker ${data.index}: scenario ${message.scenario} was not prepared`);
          try {
            const { executed } = await executeDraw(entry.run, message.draw, entry.baseline);
            post({ type: 'executed', id: message.id, result: executed });
          } catch (e) {
            post({ type: 'failed', id: message.id, error: failure(e) });
          }
          return;
        }
        case 'close': {
          for (const { run } of runs.values()) await run.replayer.close();
          await opened.close();
          port.close();
          return;
        }
      }
    })().catch((e: unknown) => post({ type: 'failed', error: failure(e) }));
  });
  post({ type: 'ready' });
} catch (e) {
  await session?.close().catch(() => undefined);
  post({ type: 'failed', error: failure(e) });
  port.close();
}
