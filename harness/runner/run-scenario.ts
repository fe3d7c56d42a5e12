import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { applyEdits, composeFaults, type FaultEdit } from '../faults/index.ts';
import { errorCodeOf, errorMessageOf, IdemgateError, isIdemgateError } from '../errors.ts';
import { buildExpectations } from '../invariants/expectations.ts';
import { factsOf, type Fact } from '../invariants/facts.ts';
import { defaultInvariants, judge, missingRequirements } from '../invariants/index.ts';
import type { Invariant, InvariantContext, LedgerRow, Violation } from '../invariants/invariant.ts';
import type { Provider, ProviderEvent } from '../providers/provider.ts';
import { adapterResolver } from '../providers/registry.ts';
import { createReplayer, type Replayer } from '../replay/replay.ts';
import { compareAnswers } from '../replay/answers.ts';
import { DEFAULT_MAX_GAP_MS, timingPlan, type RecordedTiming } from '../replay/timing.ts';
import { describeSchedule, type Schedule } from '../schedule/schedule.ts';
import type { IdemgateConfig } from '../config.ts';
import { CLIENT_API_TAPE, clientApiTape } from '../providers/client-api/template.ts';
import { expiryBoundaries, keyLifetimeCrossings } from '../replay/key-lifetimes.ts';
import { mergeTapes } from '../tape/merge.ts';
import { readTape } from '../tape/read.ts';
import type { Exchange, Tape } from '../tape/schema.ts';
import type { Counterexample, OutboundCall, ScenarioResult, ScheduleDraw } from './result.ts';
import { createJudgedTally } from './applicability.ts';
import type { Excuse, ScenarioExtension } from './extension.ts';
import type { Scenario } from './scenario.ts';
import { checkWorkerFaults, workerFaultHooks } from './worker-faults.ts';
import type { Session } from './session.ts';
import type { ExecutedSchedule } from './workers/protocol.ts';
import type { WorkerPool } from './workers/pool.ts';
import { maskDeep } from '../_internals/mask.ts';
import { checkTargetSupportsFaults } from './crash-target.ts';
import { atSchedule, healthOf, isTargetDown, watchTarget, type TargetDownError } from './target-health.ts';
import { formatMinor } from '../providers/currency.ts';
import { minimise } from './minimise.ts';

export interface RunOptions {
  /** Overrides the scenario's run count. */
  runs?: number;
  seed?: number;
  /** fast-check replay path of a counterexample (with its seed). */
  path?: string;
  /** Where to save the shrunk schedule; none = not saved. */
  reportsDir?: string;
  /** The scenario's tape when the caller has already read it (`loadScenarioTape`); read from disk otherwise. */
  tape?: Tape;
  /**
   * Stop shrinking this long after the first failing schedule and report the smallest failing
   * schedule found by then (the mutation matrix bounds its time this way). Default: shrink fully.
   */
  shrinkBudgetMs?: number;
  /**
   * While shrinking, a candidate that passes is replayed this many more times before it counts as
   * passing: a race (two concurrent requests both claiming a key) found once does not come back on
   * every replay, and without retries shrinking keeps a larger schedule whenever the smaller one's
   * race happened not to reproduce. Default 0.
   */
  shrinkRetries?: number;
  /**
   * Overrides the scenario's `subsetEntities`: `false` replays every entity of the tape in every
   * schedule (more traffic per schedule, so each fault lands on a real pair; fewer, longer
   * schedules and less shrinking). The mutation matrix uses it to decide with few runs.
   */
  subsetEntities?: boolean;
  /** Called after every schedule (progress bars). */
  onSchedule?: (info: { done: number; failed: boolean; shrinking: boolean }) => void;
  /**
   * Worker threads (each with its own target and database) that explore the schedules beside this
   * session; shrinking then runs here. The verdict and the counterexample for a seed are those of
   * the sequential run: the draws are the same, and the lowest failing draw is the one shrunk.
   */
  workers?: WorkerPool;
  /**
   * Aborted when the run must stop (SIGINT, SIGTERM; `reason` names the signal): no schedule
   * starts after it, and the scenario is reported `errored` with code INTERRUPTED.
   */
  signal?: AbortSignal;
  /**
   * Replay every schedule at the tape's own pace (`recordedTiming({ speed })`): the recorded gap
   * before each exchange's first delivery, on the replayer's clock. Absent: back to back. The
   * schedules then all run on this session (no workers).
   */
  timing?: RecordedTiming;
  /** Replay the tape once, clean (no faults, no draws, no shrinking): the verdict is that replay's invariants. */
  exact?: boolean;
}

/** The error a scenario stopped by `signal` is reported with ("interrupted by SIGINT"). */
export function interruptedError(signal: AbortSignal): IdemgateError {
  const reason: unknown = signal.reason;
  return new IdemgateError('INTERRUPTED', `interrupted by ${typeof reason === 'string' ? reason : 'a signal'}`);
}

/** A scenario's tape with what every exchange means, computed once. */
export interface PreparedTape {
  tape: Tape;
  events: ProviderEvent[];
  /** Entity group per exchange: exchanges of one group are kept or dropped together. */
  groups: string[];
  /** Group of each effect reference, to cut the clean-replay ledger down to a subset. */
  groupOfReference: Map<string, string>;
}

/** The exchange's provider; an unknown name is PROVIDER_UNKNOWN naming the tape file and seq. */
function providerOf(exchange: Exchange, tape: Tape, resolve: (name: string) => Provider): Provider {
  try {
    return resolve(exchange.provider);
  } catch (e) {
    if (!(e instanceof IdemgateError) || e.code !== 'PROVIDER_UNKNOWN') throw e;
    throw new IdemgateError('PROVIDER_UNKNOWN', `${tape.file ?? '<memory>'} seq ${exchange.seq}: ${e.message}`, { details: e.details as { provider: string; known: string[] } });
  }
}

/**
 * A scenario's tapes, merged: files read from `rootDir`, and `clientApis:<name>` entries made from
 * the config's route templates (`clientApiTape`; `?entities=N&seed=S`, default 3 and 1).
 */
export async function loadScenarioTape(scenario: Scenario, rootDir: string, config?: Pick<IdemgateConfig, 'clientApis'>): Promise<Tape> {
  return mergeTapes(
    await Promise.all(
      scenario.tapes.map(async (f) => {
        const spec = CLIENT_API_TAPE.exec(f);
        if (spec === null) return readTape(resolve(rootDir, f));
        const name = spec[1]!;
        const api = config?.clientApis?.[name];
        if (api === undefined) {
          throw new IdemgateError('CONFIG_INVALID', `scenario "${scenario.name}": tape ${f} names clientApis.${name}, which the config does not have`, { details: { path: `clientApis.${name}` } });
        }
        const query = new URLSearchParams(spec[2] ?? '');
        const tape = clientApiTape(name, api, { entities: Number(query.get('entities') ?? 3), seed: Number(query.get('seed') ?? 1) });
        return { ...tape, file: f };
      }),
    ),
  );
}

export function prepareTape(tape: Tape, resolve: (name: string) => Provider = adapterResolver()): PreparedTape {
  const events = tape.exchanges.map((exchange) => providerOf(exchange, tape, resolve).interpret(exchange, tape));
  const groups = events.map(
    (e) => `${e.provider}:${e.group ?? e.entity?.entity ?? e.effect?.reference ?? e.identity}`,
  );
  const groupOfReference = new Map<string, string>();
  events.forEach((e, i) => {
    const ref = e.effect?.reference ?? e.noEffectReference;
    if (ref !== undefined) groupOfReference.set(ref, groups[i]!);
  });
  return { tape, events, groups, groupOfReference };
}

/** What of a tape its adapters do not model, each named once, sorted. */
export const unmodelledOf = (prepared: PreparedTape): string[] =>
  [...new Set(prepared.events.flatMap((e) => (e.unmodelled === undefined ? [] : [e.unmodelled])))].sort();

/** The schedule a draw stands for: the chosen groups' exchanges in tape order, then the fault edits. */
export function scheduleFor(prepared: PreparedTape, draw: ScheduleDraw): Schedule {
  const chosen = new Set(draw.groups);
  const only = draw.exchanges === undefined ? undefined : new Set(draw.exchanges);
  const exchanges = prepared.groups.flatMap((g, i) => (chosen.has(g) && (only === undefined || only.has(i)) ? [i] : []));
  const base: Schedule = { steps: exchanges.map((exchange) => ({ kind: 'send', delivery: { exchange } })) };
  return applyEdits(base, draw.edits);
}

export function stepLabel(prepared: PreparedTape): (exchange: number) => string {
  return (i) => {
    const ex = prepared.tape.exchanges[i]!;
    const ev = prepared.events[i]!;
    const status = ev.entity ? ` ${ev.entity.entity} → ${ev.entity.status}` : '';
    const effect = ev.effect
      ? ` (${ev.effect.direction === 'in' ? '+' : '−'}${ev.effect.currency} ${formatMinor(ev.effect.amountMinor, ev.effect.currency)} ${ev.effect.reference})`
      : '';
    return `#${ex.seq} ${ev.provider} ${ev.identity}${status}${effect}`;
  };
}


/** A replayer for one scenario's tape on a session's target (keep-alive connections reused across schedules). */
export function replayerFor(session: Session, tape: Tape): Replayer {
  const { config, target } = session;
  return createReplayer({
    tape,
    providers: adapterResolver(config),
    baseUrl: target.baseUrl,
    endpoints: config.target.endpoints ?? {},
    secrets: config.providers,
    requestTimeoutMs: config.target.requestTimeoutMs ?? 5000,
    settleMs: config.target.settleMs ?? 250,
    ...(target.inFlight ? { inFlight: target.inFlight } : {}),
    // A late redelivery waits for the target's queued work to be done, as a provider's retry hours later would.
    ...(config.target.quiescence ? { quiesce: () => session.quiesce() } : {}),
    // A target the harness started (not one at a URL) is observed: its database and its upstream calls.
    ...(config.target.start.kind === 'command'
      ? { busy: async () => session.upstream.inFlight() > 0 || (await session.database.activity()) > 0 }
      : {}),
    // The crash-restart fault: a target idemgate started as a child process can be killed and started again.
    ...(target.crashRestart === undefined
      ? {}
      : { crashTarget: target.crashRestart, holdUpstreamCall: () => session.upstream.holdNextCall() }),
    // The worker faults: workers idemgate owns (target.workers) killed at a held ledger write, Redis connections dropped.
    ...workerFaultHooks(session),
  });
}

/** Everything fixed for a scenario run: its tape, invariants, extensions and replayer. */
export interface ScenarioRunContext {
  session: Session;
  prepared: PreparedTape;
  invariants: readonly Invariant[];
  extensions: readonly ScenarioExtension[];
  replayer: Replayer;
  /** Recorded timing for every schedule of the run (`RunOptions.timing`). */
  timing?: RecordedTiming;
}

/**
 * The references whose requests were sent again after a wait past the keys' lifetime, with how
 * often: each such request is a new one to the service (IETF draft), which may book it once more.
 */
function rebookableReferences(deliveries: ExecutedSchedule['deliveries'], events: readonly ProviderEvent[]): Map<string, number> {
  const boundaries = expiryBoundaries(deliveries);
  const extra = new Map<string, number>();
  if (boundaries.length === 0) return extra;
  const sends = new Map<number, [number, number][]>();
  for (const d of deliveries) {
    const times = sends.get(d.exchange) ?? [];
    times.push([d.startedAtMs, d.startedAtMs + d.durationMs]);
    sends.set(d.exchange, times);
  }
  for (const [exchange, times] of sends) {
    const reference = events[exchange]?.effect?.reference;
    const n = keyLifetimeCrossings(times, boundaries);
    if (reference !== undefined && n > 0) extra.set(reference, (extra.get(reference) ?? 0) + n);
  }
  return extra;
}

/**
 * Sessions in which a schedule has passed. A clean replay that fails after one did, on the same
 * target, most likely meets state from that schedule which the reset did not clear.
 */
const passedIn = new WeakSet<Session>();

/** What a clean replay's failure says when a schedule passed before it in the session. */
function leftoverStateHint(session: Session): string {
  const where =
    session.stores === undefined
      ? 'configure target.stores (e.g. { kind: \'redis\', url, prefix }) so idemgate empties it between schedules'
      : 'add the store it lives in to target.stores (those configured are emptied between schedules, and the database is reset)';
  return (
    'the clean replay failed right after a schedule passed in this session: the target may keep state outside PostgreSQL ' +
    `(idempotency keys, a cache, queued jobs, memory) that the reset does not clear; ${where}`
  );
}

/** Resets the database, applies extension data, replays one schedule, and evaluates the invariants. */
export async function executeSchedule(
  run: ScenarioRunContext,
  schedule: Schedule,
  draw: Pick<ScheduleDraw, 'extensions'>,
  baseline: readonly LedgerRow[] | undefined,
): Promise<ExecutedSchedule> {
  const { session, prepared, invariants, extensions } = run;
  await session.reset();
  const extCtx = { session, tape: prepared.tape, events: prepared.events, schedule };
  for (const ext of extensions) await ext.before(extCtx, draw.extensions?.[ext.name]);
  const deliveries = await replayWatched(run, schedule);
  // A target that answers first and books later is judged once its work is done, never before.
  await session.quiesce();
  const published: Fact[] = [];
  const calls: OutboundCall[] = [];
  const excused: Excuse[] = [];
  for (const ext of extensions) {
    const value = await ext.after({ ...extCtx, deliveries }, draw.extensions?.[ext.name]);
    if (value === undefined) continue;
    published.push({ key: ext.key, value });
    calls.push(...ext.calls(value));
    excused.push(...ext.excuses(value));
  }
  const delivered = new Set(schedule.steps.flatMap((s) => (s.kind === 'send' ? [s.delivery.exchange] : s.deliveries.map((d) => d.exchange))));
  const all = buildExpectations(
    prepared.events.filter((_, i) => delivered.has(i)),
    rebookableReferences(deliveries, prepared.events),
  );
  // An excused effect is expected neither in the books nor in the clean replay's (only one that was expected counts).
  const excusedNow = excused.filter((e) => all.effects.has(e.reference));
  const gone = new Set(excusedNow.map((e) => e.reference));
  const expected = gone.size === 0 ? all : { ...all, effects: new Map([...all.effects].filter(([reference]) => !gone.has(reference))) };
  const ctx: InvariantContext = {
    ledger: session.ledger,
    entities: session.entities,
    expected,
    deliveries,
    baseline: gone.size === 0 || baseline === undefined ? baseline : baseline.filter((row) => !gone.has(row.reference)),
    database: session.database,
    facts: factsOf(...published),
  };
  const violations: Violation[] = [];
  const judged: Record<string, number> = {};
  const unmet: Record<string, string> = {};
  let checked = 0;
  for (const invariant of invariants) {
    // An invariant missing what it requires is not run: it judged nothing.
    const missing = missingRequirements(invariant, ctx);
    if (missing.length > 0) {
      // The first missing requirement is the root cause (no ledger mapping means no clean-replay ledger either).
      unmet[invariant.name] = missing[0]!;
      continue;
    }
    const judgement = await judge(invariant, ctx);
    judged[invariant.name] = (judged[invariant.name] ?? 0) + judgement.judged;
    if (judgement.judged > 0) checked++;
    violations.push(...judgement.violations);
  }
  if (violations.length === 0) passedIn.add(session);
  return { violations, deliveries, checked, judged, unmet, calls: calls.sort((a, b) => a.atMs - b.atMs), excused: excusedNow };
}

/**
 * Replays a schedule while watching the target: one that exits, is killed or stops answering
 * (with no injected fault to explain it) throws TARGET_CRASHED / TARGET_UNRESPONSIVE instead of
 * handing on deliveries whose broken invariants its death would explain.
 */
async function replayWatched(run: ScenarioRunContext, schedule: Schedule): Promise<ExecutedSchedule['deliveries']> {
  const { session, prepared, replayer } = run;
  const timeoutMs = session.config.target.requestTimeoutMs ?? 5000;
  const label = stepLabel(prepared);
  const watch = watchTarget(healthOf(session), {
    // A health route gets the same budget as a webhook, and at least a second.
    probeTimeoutMs: Math.max(timeoutMs, 1000),
    describe: (o) => {
      const exchange = prepared.tape.exchanges[o.exchange]!;
      const path = session.config.target.endpoints?.[exchange.provider] ?? exchange.path;
      const what = o.result === 'timeout' ? `no answer within ${timeoutMs} ms` : (o.error ?? o.result);
      return `${label(o.exchange)} → ${exchange.method} ${path} (step ${o.step + 1}, attempt ${o.attempt}: ${what})`;
    },
  });
  let deliveries: ExecutedSchedule['deliveries'];
  try {
    deliveries = await replayer.replay(schedule, { stop: watch.signal, onOutcome: watch.onOutcome, ...(run.timing === undefined ? {} : { timing: run.timing }) });
  } catch (e) {
    // A replay that threw (a refused first connection, or stopped by the watch) may be a target that
    // died. One refused from the start and not a child that exited stays TARGET_UNREACHABLE.
    const down = await watch.finish(true);
    if (down === undefined || (isIdemgateError(e, 'TARGET_UNREACHABLE') && down.code === 'TARGET_UNRESPONSIVE')) throw e;
    throw down;
  }
  const down = await watch.finish(false);
  if (down !== undefined) throw down;
  return deliveries;
}

/** Replays one draw (the schedule it stands for, judged against the clean replay's ledger cut to its entities). */
export async function executeDraw(
  run: ScenarioRunContext,
  draw: ScheduleDraw,
  baselineRows: readonly LedgerRow[],
): Promise<{ schedule: Schedule; executed: ExecutedSchedule }> {
  const schedule = scheduleFor(run.prepared, draw);
  const executed = await executeSchedule(run, schedule, draw, baselineFor(run.prepared, baselineRows, draw.groups));
  return { schedule, executed };
}

/**
 * The first `runs` draws fast-check generates for `seed`: run i is the value the sequential check
 * replays at path "i", so any executor can run any of them.
 */
async function drawsOf(arb: fc.Arbitrary<ScheduleDraw>, runs: number, seed: number): Promise<ScheduleDraw[]> {
  const draws: ScheduleDraw[] = [];
  await fc.check(
    fc.asyncProperty(arb, async (draw) => {
      draws.push(draw);
      return true;
    }),
    { numRuns: runs, seed },
  );
  return draws;
}

/** The invariants a scenario is judged by: its own or the defaults, plus its extensions'. */
export const invariantsOf = (scenario: Scenario): Invariant[] => [
  ...(scenario.invariants ?? defaultInvariants),
  ...scenario.extensions.flatMap((e) => e.invariants),
];

function baselineFor(prepared: PreparedTape, rows: readonly LedgerRow[], groups: readonly string[]): LedgerRow[] {
  const chosen = new Set(groups);
  return rows.filter((r) => {
    const g = prepared.groupOfReference.get(r.reference);
    return g === undefined ? true : chosen.has(g);
  });
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** The exact command that replays a result: with a path, fast-check goes straight to the shrunk case. */
export function replayCommand(scenario: string, seed: number, path: string): string {
  const base = `npx idemgate run --scenario ${scenario} --seed ${seed}`;
  return path === '' ? base : `${base} --path "${path}"`;
}

/** At most this many replays shrink a failure of the clean replay (a bound by work, not by time). */
const MAX_CLEAN_SHRINK_REPLAYS = 200;

/** A shrink budget: stop when asked to, after `budgetMs` (absent: no time limit) or `maxReplays` questions. */
function budget(budgetMs: number | undefined, maxReplays: number, stopped: () => boolean): () => boolean {
  const deadline = budgetMs === undefined ? Infinity : performance.now() + budgetMs;
  let asked = 0;
  return () => !stopped() && performance.now() < deadline && asked++ < maxReplays;
}

interface Found {
  draw: ScheduleDraw;
  schedule: Schedule;
  executed: ExecutedSchedule;
}

/**
 * A failure of the clean replay (no fault: the tape itself, an incident's traffic) shrunk as a
 * faulted schedule would be: first the fewest entities (groups), then the fewest of their
 * exchanges, each candidate a clean replay of what is left that must still break an invariant the
 * failure broke. `draw.exchanges` records the exchanges kept, so the result replays as data.
 */
async function shrinkCleanFailure(
  run: ScenarioRunContext,
  found: Found,
  o: { more: () => boolean; retries: number; counted: (executed: ExecutedSchedule) => boolean; scheduleNumber: () => number },
): Promise<Found> {
  const broken = new Set(found.executed.violations.map((v) => v.invariant));
  let smallest = found;
  const fails = async (draw: ScheduleDraw): Promise<boolean> => {
    const schedule = scheduleFor(run.prepared, draw);
    for (let attempt = 0; attempt <= o.retries; attempt++) {
      const executed = await executeSchedule(run, schedule, {}, undefined).catch((e: unknown) => {
        throw isTargetDown(e) ? atSchedule(e, o.scheduleNumber()) : e;
      });
      if (o.counted(executed) && executed.violations.some((v) => broken.has(v.invariant))) {
        if (schedule.steps.length < smallest.schedule.steps.length) smallest = { draw, schedule, executed };
        return true;
      }
    }
    return false;
  };
  const groups = await minimise(found.draw.groups, (g) => fails({ groups: g, edits: [] }), o.more);
  const chosen = new Set(groups);
  const exchanges = run.prepared.groups.flatMap((g, i) => (chosen.has(g) ? [i] : []));
  await minimise(exchanges, (x) => fails({ groups, edits: [], exchanges: x }), o.more);
  return smallest;
}

/**
 * Runs one scenario as a fast-check property over schedule draws and returns its result.
 * Never throws for a violation; set-up errors come back as `errored`.
 */
export async function runScenario(session: Session, scenario: Scenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  const invariants = invariantsOf(scenario);
  const base: Pick<ScenarioResult, 'scenario' | 'database' | 'invariants' | 'seed' | 'unmodelled' | 'answers' | 'exact' | 'timing'> = {
    scenario: scenario.name,
    database: session.database.kind,
    invariants: invariants.map((i) => i.name),
    seed,
    ...(options.exact === true ? { exact: true as const } : {}),
  };
  let schedules = 0;
  let invariantChecks = 0;
  /** Expected effects the extensions excused, summed over schedules. */
  let excusedEffects = 0;
  const tally = createJudgedTally(invariants);
  let replayer: Replayer | undefined;
  const stopped = (): boolean => options.signal?.aborted === true;
  const throwIfStopped = (): void => {
    if (options.signal?.aborted === true) throw interruptedError(options.signal);
  };
  try {
    throwIfStopped();
    checkTargetSupportsFaults(session, scenario);
    checkWorkerFaults(session, scenario);
    const tape = options.tape ?? (await loadScenarioTape(scenario, session.rootDir, session.config));
    const prepared = prepareTape(tape, adapterResolver(session.config));
    const unmodelled = unmodelledOf(prepared);
    if (unmodelled.length > 0) base.unmodelled = unmodelled;
    replayer = replayerFor(session, prepared.tape);
    const run: ScenarioRunContext = { session, prepared, invariants, extensions: scenario.extensions, replayer, ...(options.timing === undefined ? {} : { timing: options.timing }) };
    const allGroups = unique(prepared.groups);
    const label = stepLabel(prepared);
    const counterexampleOf = (draw: ScheduleDraw, schedule: Schedule, executed: ExecutedSchedule): Counterexample => ({
      draw,
      schedule,
      steps: describeSchedule(schedule, label),
      violations: executed.violations,
      deliveries: executed.deliveries,
      ...(executed.calls.length > 0 ? { upstreamCalls: executed.calls } : {}),
      ...(executed.excused.length > 0 ? { excused: executed.excused } : {}),
    });

    let firstFailureSeen = false;
    let firstFailureAt = 0;
    /** Counts an executed schedule and tells whether it failed. */
    const counted = (executed: ExecutedSchedule): boolean => {
      schedules++;
      invariantChecks += executed.checked;
      excusedEffects += executed.excused.length;
      tally.add(executed);
      const failed = executed.violations.length > 0;
      options.onSchedule?.({ done: schedules, failed, shrinking: firstFailureSeen });
      return failed;
    };
    // The clean replay: the oracle for the differential check, and a sanity check of the target itself.
    const clean = scheduleFor(prepared, { groups: allGroups, edits: [] });
    if (options.timing !== undefined) base.timing = timingPlan(prepared.tape, clean, options.timing);
    const cleanRun = await executeSchedule(run, clean, {}, undefined).catch((e: unknown) => {
      throw isTargetDown(e) ? atSchedule(e, 1) : e;
    });
    throwIfStopped();
    const answers = compareAnswers(prepared.tape, cleanRun.deliveries, adapterResolver(session.config), (x) => `#${prepared.tape.exchanges[x]!.seq} ${prepared.events[x]!.provider} ${prepared.events[x]!.identity}`);
    if (answers !== undefined) base.answers = answers;
    if (options.exact === true) {
      // One schedule, as recorded: a failure is reported as it happened, unshrunk.
      const draw = { groups: allGroups, edits: [] };
      return counted(cleanRun) ? await failed(0, '', counterexampleOf(draw, clean, cleanRun)) : finish({ status: 'passed', runs: 0 });
    }
    if (counted(cleanRun)) {
      // Said before shrinking: a shrink candidate that passes would make any session look used.
      const hint = passedIn.has(session) ? leftoverStateHint(session) : undefined;
      firstFailureSeen = true;
      const shrunk = await shrinkCleanFailure(run, { draw: { groups: allGroups, edits: [] }, schedule: clean, executed: cleanRun }, {
        more: budget(options.shrinkBudgetMs, MAX_CLEAN_SHRINK_REPLAYS, stopped),
        retries: options.shrinkRetries ?? 0,
        counted,
        scheduleNumber: () => schedules + 1,
      });
      throwIfStopped();
      const counterexample = counterexampleOf(shrunk.draw, shrunk.schedule, shrunk.executed);
      const shrunkFrom = shrunk.schedule === clean ? undefined : { groups: allGroups.length, steps: clean.steps.length, violations: cleanRun.violations };
      return await failed(0, '', counterexample, hint, shrunkFrom);
    }
    const baselineRows = session.ledger === undefined ? [] : await session.ledger.rows();

    const groupsArb = (options.subsetEntities ?? scenario.subsetEntities)
      ? fc.subarray(allGroups, { minLength: 1 })
      : fc.constant(allGroups);
    // No faults: every schedule is a clean replay (of a subset of entities, if subsetting).
    const editsArb: fc.Arbitrary<FaultEdit[]> =
      scenario.faults.length === 0
        ? fc.constant([])
        : composeFaults(scenario.faults, { maxEdits: scenario.maxEdits })(prepared.tape.exchanges.length, prepared.events);
    const extensionArbs: Record<string, fc.Arbitrary<unknown>> = {};
    for (const ext of scenario.extensions) if (ext.draw) extensionArbs[ext.name] = ext.draw(prepared.tape);
    const drawArb: fc.Arbitrary<ScheduleDraw> =
      Object.keys(extensionArbs).length === 0
        ? fc.record({ groups: groupsArb, edits: editsArb })
        : fc.record({ groups: groupsArb, edits: editsArb, extensions: fc.record(extensionArbs) });

    const failures = new Map<string, Counterexample>();
    // A target found down ends the exploration: the remaining candidates pass without a replay,
    // and the result is errored (no shrinking against a dead target, no replay command).
    let targetDown: TargetDownError | undefined;
    const property = fc.asyncProperty(drawArb, async (draw: ScheduleDraw) => {
      if (targetDown !== undefined) return true;
      // Out of shrinking budget: the remaining candidates count as passing without a replay, so
      // fast-check ends on the smallest failure found so far.
      if (firstFailureSeen && options.shrinkBudgetMs !== undefined && performance.now() - firstFailureAt > options.shrinkBudgetMs) return true;
      // Stopped by a signal: the rest pass unreplayed, so fast-check ends at once (the result is then INTERRUPTED).
      if (stopped()) return true;
      /** One replay of the draw; undefined when the target was found down (the exploration then ends). */
      const replayDraw = async (): Promise<Awaited<ReturnType<typeof executeDraw>> | undefined> => {
        try {
          return await executeDraw(run, draw, baselineRows);
        } catch (e) {
          if (!isTargetDown(e)) throw e;
          targetDown = atSchedule(e, schedules + 1);
          return undefined;
        }
      };
      let drawn = await replayDraw();
      if (drawn === undefined) return true;
      let failed = counted(drawn.executed);
      for (let retry = 0; !failed && firstFailureSeen && retry < (options.shrinkRetries ?? 0) && !stopped(); retry++) {
        drawn = await replayDraw();
        if (drawn === undefined) return true;
        failed = counted(drawn.executed);
      }
      if (!failed) return true;
      const { schedule, executed } = drawn;
      if (!firstFailureSeen) firstFailureAt = performance.now();
      firstFailureSeen = true;
      failures.set(JSON.stringify(draw), counterexampleOf(draw, schedule, executed));
      return false;
    });
    const runs = options.runs ?? scenario.runs;
    let path = options.path;
    // With workers, the schedules are explored in parallel first; the lowest failing draw is then
    // replayed here by its fast-check path and shrunk, exactly as the sequential run would.
    let foundByWorkers: { index: number; counterexample: Counterexample } | undefined;
    if (options.workers !== undefined && options.workers.size > 0 && path === undefined && options.timing === undefined) {
      const draws = await drawsOf(drawArb, runs, seed);
      const pool = options.workers;
      await pool.prepare(scenario.name, baselineRows);
      const executors: ((draw: ScheduleDraw) => Promise<{ schedule: Schedule; executed: ExecutedSchedule }>)[] = [
        (draw) => executeDraw(run, draw, baselineRows),
        ...Array.from({ length: pool.size }, (_, w) => async (draw: ScheduleDraw) => ({
          schedule: scheduleFor(prepared, draw),
          executed: await pool.execute(w, scenario.name, draw),
        })),
      ];
      let next = 0;
      const outcomes = await Promise.allSettled(
        executors.map(async (execute) => {
          for (let i = next++; i < draws.length && !stopped() && (foundByWorkers === undefined || i < foundByWorkers.index); i = next++) {
            const { schedule, executed } = await execute(draws[i]!).catch((e: unknown) => {
              // Schedule i + 2: the clean replay is schedule 1.
              throw isTargetDown(e) ? atSchedule(e, i + 2) : e;
            });
            if (counted(executed) && (foundByWorkers === undefined || i < foundByWorkers.index)) {
              foundByWorkers = { index: i, counterexample: counterexampleOf(draws[i]!, schedule, executed) };
            }
          }
        }),
      );
      throwIfStopped();
      const error = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (error !== undefined) throw error.reason;
      if (foundByWorkers === undefined) return finish({ status: 'passed', runs });
      path = String(foundByWorkers.index);
    }
    const details = await fc.check(property, {
      numRuns: runs,
      seed,
      ...(path ? { path } : {}),
    });
    throwIfStopped();
    if (targetDown !== undefined) throw targetDown;
    if (details.errorInstance && !details.failed) throw details.errorInstance;
    if (!details.failed) {
      // Found by a worker but passing when replayed here: reported as found, unshrunk.
      if (foundByWorkers !== undefined) return await failed(runs, path ?? '', foundByWorkers.counterexample);
      return finish({ status: 'passed', runs });
    }
    const draw = details.counterexample?.[0];
    const counterexample = draw === undefined ? undefined : failures.get(JSON.stringify(draw));
    if (details.errorInstance && counterexample === undefined) throw details.errorInstance;
    if (counterexample === undefined) {
      throw new IdemgateError('SCHEDULE_INVALID', 'fast-check reported a failure but no counterexample was recorded');
    }
    return await failed(runs, details.counterexamplePath ?? '', counterexample);
  } catch (e) {
    // A schedule cut short by the stop (its target closed under it) is the interruption, not its error.
    const cause = options.signal?.aborted === true ? interruptedError(options.signal) : e;
    const error = { code: errorCodeOf(cause), message: errorMessageOf(cause) };
    return { ...base, status: 'errored', error, durationMs: performance.now() - started, schedules, invariantChecks, notApplicable: [] };
  } finally {
    await replayer?.close();
  }

  function excusedCount(): { excusedEffects?: number } {
    return excusedEffects === 0 ? {} : { excusedEffects };
  }

  function finish(r: { status: 'passed'; runs: number }): ScenarioResult {
    return { ...base, ...r, durationMs: performance.now() - started, schedules, invariantChecks, notApplicable: tally.notApplicable(), ...excusedCount() };
  }

  /** Every failure, the clean replay's included, is reported the same way and saved when asked. */
  async function failed(
    runs: number,
    path: string,
    counterexample: Counterexample,
    hint?: string,
    shrunkFrom?: { groups: number; steps: number; violations: Violation[] },
  ): Promise<ScenarioResult> {
    const result: ScenarioResult & { status: 'failed' } = {
      ...base,
      status: 'failed',
      runs,
      path,
      counterexample,
      replayCommand: options.exact === true ? `npx idemgate run --scenario ${scenario.name} --exact${timingFlags(options.timing, true)}` : replayCommand(scenario.name, seed, path) + timingFlags(options.timing, false),
      ...(hint === undefined ? {} : { hint }),
      ...(shrunkFrom === undefined ? {} : { shrunkFrom }),
      durationMs: performance.now() - started,
      schedules,
      invariantChecks,
      notApplicable: tally.notApplicable(),
      ...excusedCount(),
    };
    if (options.reportsDir) result.savedTo = await saveCounterexample(options.reportsDir, result);
    return result;
  }
}

/** The flags that replay a run's timing again (`--exact` replays at recorded timing unless told `--timing none`). */
function timingFlags(timing: RecordedTiming | undefined, exact: boolean): string {
  if (timing === undefined) return exact ? ' --timing none' : '';
  const speed = timing.speed === 1 ? '' : ` --speed ${timing.speed}`;
  const cap = timing.maxGapMs === DEFAULT_MAX_GAP_MS ? '' : ` --max-gap ${timing.maxGapMs / 1000}`;
  return `${exact ? '' : ' --timing recorded'}${speed}${cap}`;
}

/** Writes the shrunk schedule as JSON under `<reportsDir>/failures/`, returning its path relative to cwd. */
export async function saveCounterexample(reportsDir: string, result: ScenarioResult & { status: 'failed' }): Promise<string> {
  const dir = join(reportsDir, 'failures');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${result.scenario}.json`);
  const doc = {
    format: 'idemgate-counterexample',
    version: 1,
    scenario: result.scenario,
    seed: result.seed,
    path: result.path,
    replayCommand: result.replayCommand,
    draw: result.counterexample.draw,
    schedule: result.counterexample.schedule,
    steps: result.counterexample.steps,
    violations: result.counterexample.violations,
    deliveries: result.counterexample.deliveries,
  };
  await writeFile(file, `${JSON.stringify(maskDeep(doc), null, 2)}\n`, 'utf8');
  return relative(process.cwd(), file);
}
