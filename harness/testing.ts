/**
 * `idemgate/testing`: the pieces idemgate's own tests use, for tests of yours — a session on a
 * database with the target running, one scenario run, a copy of the target without one guard,
 * an invariant context built by hand.
 *
 * @example
 * import { openSession, runScenario } from 'idemgate/testing';
 * const session = await openSession({ config, rootDir, tapes: [tape] });
 * const result = await runScenario(session, myScenario, { seed: 1 });
 */
export { openSession, sessionDatabase, type Session, type SessionOptions } from './runner/session.ts';
export { loadScenarioTape, prepareTape, runScenario, type PreparedTape, type RunOptions } from './runner/run-scenario.ts';
export { reproduce, type Reproduction, type ReproduceOptions } from './runner/reproduce.ts';
export { runSuite, type SuiteOptions, type SuiteRun } from './runner/suite.ts';
export { findConfigFile, loadConfig } from './runner/load.ts';
export { brokenInvariants, runWithoutGuard, type WithoutGuardOptions } from './mutate/without-guard.ts';
export { openDatabase, type OpenDatabaseOptions } from './db/open.ts';
export { listenOnLoopback } from './targets/listen.ts';
export { resolveDatabase, type DatabaseChoice, type DatabaseRequest } from './db/resolve.ts';
export { createReplayer, replaySchedule, systemClock, type Clock, type DeliveryOutcome, type Replayer, type ReplayOptions } from './replay/index.ts';
export { recordedTiming, type RecordedTiming } from './replay/timing.ts';
export type { AnswerComparison, AnswerDifference } from './replay/answers.ts';
export { createUpstream, serveHandlers, type RunningUpstream, type ServedHandlers } from './simulator/index.ts';
export { buildExpectations, createEntityReader, createLedgerReader } from './invariants/index.ts';
export { fact, factsOf, noFacts, type Fact } from './invariants/facts.ts';
