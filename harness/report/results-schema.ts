/**
 * `results.json` (format version 1) as ONE zod schema: it gives the report's TypeScript types
 * (report/model.ts), and `schema/results.schema.json` is generated from it (`npm run schema`; a
 * test fails when the committed file differs). The parts the runner, the schedule, the replay and
 * the invariants own as TypeScript types are checked against this schema at compile time
 * (`Agree` below), so neither side can drift: a field added to `DeliveryOutcome` and not here is
 * a type error.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../errors.ts';
import type { Violation } from '../invariants/invariant.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import type { Counterexample, ScenarioResult } from '../runner/result.ts';
import type { RunSummary } from '../runner/verdict.ts';
import type { FaultEdit } from '../faults/edits.ts';
import type { Delivery, Schedule } from '../schedule/schedule.ts';

const count = z.int().min(0).meta({ id: 'count' });
const ms = z.number().min(0).meta({ id: 'ms' });
const httpStatus = z.int().min(100).max(599);
const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
  .meta({ id: 'isoDateTime' });
const database = z.enum(['pglite', 'postgres']).meta({ id: 'database' });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const requestVariant = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('payload-mismatch'), field: z.enum(['amount', 'currency']) }),
    z.strictObject({ kind: z.literal('missing-key') }),
    z.strictObject({ kind: z.literal('forged-headers'), headers: z.record(z.string(), z.string()) }),
    z.strictObject({ kind: z.literal('after-key-expiry') }),
  ])
  .describe('Sent differently from its recording: the same idempotency key with another payload, no key, or headers a client must not control.')
  .meta({ id: 'requestVariant' });

const delivery = z
  .strictObject({
    exchange: count.describe("Index into the scenario tape's exchanges."),
    abortAfterMs: ms.optional().describe('The request is aborted client-side this long after it is sent.'),
    delayMs: ms.optional().describe("The provider's wait before sending it (a retry's back-off)."),
    waitMs: ms.optional().describe('Real ms waited before sending it, whatever the time scale (past an idempotency key\'s lifetime).'),
    crash: z
      .strictObject({ when: z.enum(['answered', 'upstream-call']), downtimeMs: ms })
      .optional()
      .describe('The target is killed (SIGKILL) while this delivery is in flight, then restarted: after its answer arrived, or at its first upstream call.'),
    variant: requestVariant.optional(),
    backoff: z
      .strictObject({ retry: count, jitter: z.number().min(0).max(1), untilAnswered: z.literal(true).optional() })
      .optional()
      .describe("A client's retry: its retry timing's backoff for retry `retry` with this jitter draw; not sent once the exchange was acknowledged."),
    afterQuiet: z.literal(true).optional().describe('Sent only once the target was quiet (target.quiescence): a late redelivery.'),
    workerCrash: z
      .strictObject({ downtimeMs: ms })
      .optional()
      .describe("Every harness-owned worker is killed (SIGKILL) at the target's next ledger write after this delivery is sent, and restarted no sooner than downtimeMs later."),
    redisDrop: z.literal(true).optional().describe("Once answered, the target's named Redis connections are killed (CLIENT KILL); it reconnects."),
  })
  .meta({ id: 'delivery' });

const step = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('send'), delivery }),
    z.strictObject({ kind: z.literal('concurrent'), deliveries: z.array(delivery).min(1) }),
  ])
  .meta({ id: 'step' });

export const scheduleSchema = z.strictObject({ steps: z.array(step) });

const faultEdit = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('duplicate'), at: z.int(), gap: z.int() }),
    z.strictObject({ kind: z.literal('concurrent-duplicates'), at: z.int(), width: z.int() }),
    z.strictObject({ kind: z.literal('reorder'), at: z.int(), offset: z.int() }),
    z.strictObject({
      kind: z.literal('lost-ack'),
      at: z.int(),
      abortAfterMs: z.number(),
      redeliverAfter: z.int(),
      redeliverDelayMs: z.number().optional(),
    }),
    z.strictObject({ kind: z.literal('race'), at: z.int(), with: z.int() }),
    z.strictObject({ kind: z.literal('overtake'), exchange: z.int(), before: z.int() }),
    z.strictObject({
      kind: z.literal('crash-restart'),
      at: z.int(),
      when: z.enum(['answered', 'upstream-call']),
      downtimeMs: z.number(),
      redeliverAfter: z.int(),
    }),
    z.strictObject({ kind: z.literal('payload-mismatch'), exchange: z.int(), field: z.enum(['amount', 'currency']), after: z.int() }),
    z.strictObject({ kind: z.literal('missing-key'), exchange: z.int(), after: z.int() }),
    z.strictObject({ kind: z.literal('forged-headers'), exchange: z.int(), headers: z.record(z.string(), z.string()), after: z.int() }),
    z.strictObject({ kind: z.literal('key-reuse-after-expiry'), exchange: z.int(), waitMs: z.number().nonnegative() }),
    z.strictObject({ kind: z.literal('client-retries'), exchange: z.int(), abortAfterMs: z.number(), jitter: z.array(z.number().min(0).max(1)) }),
    z.strictObject({ kind: z.literal('late-redelivery'), at: z.int() }),
    z.strictObject({ kind: z.literal('worker-crash'), at: z.int(), downtimeMs: z.number() }),
    z.strictObject({ kind: z.literal('redis-drop'), at: z.int() }),
  ])
  .describe('One fault, as data; positions refer to steps of the schedule the edit is applied to.')
  .meta({ id: 'faultEdit' });

const violation = z
  .strictObject({
    invariant: z.string().min(1),
    message: z.string(),
    evidence: z
      .array(z.record(z.string(), z.unknown()))
      .describe('Rows that prove the violation (ledger rows, expected vs actual, deliveries).'),
  })
  .meta({ id: 'violation' });

const deliveryOutcome = z
  .strictObject({
    step: count,
    exchange: count,
    provider: z.string(),
    attempt: z.int().min(1),
    origin: z.enum(['schedule', 'redelivery']),
    result: z.enum(['answered', 'aborted', 'timeout', 'error']),
    status: httpStatus.optional(),
    body: z.string().optional(),
    error: z.string().optional(),
    acknowledged: z.boolean(),
    startedAtMs: ms,
    durationMs: ms,
    variant: requestVariant.optional(),
    waitedMs: ms.optional().describe("Real ms waited before sending it (a retry's scaled backoff)."),
    gapMs: ms.optional().describe("Real ms of recorded gap waited before its step (recorded timing; on an exchange's first delivery only)."),
  })
  .meta({ id: 'deliveryOutcome' });

export const timelineCallSchema = z
  .strictObject({
    atMs: ms.describe("On the replay's clock: ms since the schedule started."),
    method: z.string(),
    path: z.string(),
    status: httpStatus.optional().describe('What was answered; absent when the connection dropped or the target gave up first.'),
    fault: z.string().optional().describe('The injected fault, if any.'),
    error: z.string().optional(),
  })
  .describe('A call the target made to a simulated provider API.')
  .meta({ id: 'upstreamCall' });

const counterexample = z
  .strictObject({
    draw: z.strictObject({
      groups: z.array(z.string()),
      edits: z.array(faultEdit),
      extensions: z.record(z.string(), z.unknown()).optional().describe("Each scenario extension's drawn data, by extension name."),
      exchanges: z.array(z.number().int().nonnegative()).optional().describe('Only these exchanges of the chosen groups (tape indexes): a failure of the clean replay shrunk by step.'),
    }),
    schedule: scheduleSchema,
    steps: z.array(z.string()).describe('One readable line per step.'),
    violations: z.array(violation),
    deliveries: z.array(deliveryOutcome),
    upstreamCalls: z
      .array(timelineCallSchema)
      .optional()
      .describe('The calls the target made to simulated provider APIs while the shrunk schedule replayed.'),
    excused: z
      .array(z.strictObject({ reference: z.string(), reason: z.string() }))
      .optional()
      .describe('Expected effects this schedule did not expect after all (an upstream refused what the target needed, and the target ends work a refusal stopped), with why.'),
  })
  .meta({ id: 'counterexample' });

const unmodelledList = z
  .array(z.string().min(1))
  .describe("What of the tape the provider adapters do not model (an unknown event type or status), each named once: replayed with no expected effect or status. Absent when everything is modelled.");

const answerComparison = z
  .strictObject({
    compared: count.describe('Exchanges with a recorded answer that the clean replay delivered.'),
    differences: z.array(
      z
        .strictObject({
          exchange: count.describe("Index into the tape's exchanges."),
          label: z.string().describe('`#12 stripe evt_…`.'),
          recorded: z.strictObject({ status: httpStatus, body: z.string().optional().describe('Shown when the status is the same (the provider reads the bodies differently).') }),
          replayed: z.strictObject({
            result: z.enum(['answered', 'aborted', 'timeout', 'error']),
            status: httpStatus.optional(),
            body: z.string().optional(),
            error: z.string().optional(),
          }),
        })
        .meta({ id: 'answerDifference' }),
    ),
  })
  .describe("The tape's recorded answers set against the clean replay's first answer to each exchange: those whose status differs, or whose body the provider reads differently. Information, not a violation.");

const timingPlanSchema = z
  .strictObject({
    speed: z.number().positive().describe('Every recorded gap divided by this.'),
    maxGapMs: ms.describe('No single wait longer than this.'),
    waitMs: ms.describe("The clean replay's waits in all (real ms)."),
    recordedMs: ms.describe('Recorded ms between the first and the last exchange.'),
    capped: count.describe('Gaps cut to maxGapMs.'),
  })
  .describe("Recorded timing: the recorded gap before each exchange's first delivery, scaled and capped; the clean replay's plan.");

const resultBase = {
  scenario: z.string().min(1),
  database,
  durationMs: ms,
  schedules: count.describe('Schedules executed, shrinking included.'),
  invariantChecks: count.describe('Invariant evaluations that judged something, summed over schedules.'),
  invariants: z.array(z.string()),
  notApplicable: z
    .array(z.strictObject({ invariant: z.string().min(1), reason: z.string() }).meta({ id: 'notApplicable' }))
    .describe('Invariants that had nothing to judge in any schedule (requirement missing, or nothing of theirs in the traffic): not applicable, never held. Empty for an errored scenario.'),
  seed: z.int().describe('fast-check seed; with path it replays the counterexample.'),
  unmodelled: unmodelledList.optional(),
  excusedEffects: count.optional().describe('Expected effects excused over all schedules (an upstream refused what the target needed); absent when none.'),
  answers: answerComparison.optional(),
  exact: z.literal(true).optional().describe('Only the clean replay ran (--exact): one schedule, no faults.'),
  timing: timingPlanSchema.optional(),
};

const scenarioResult = z
  .discriminatedUnion('status', [
    z.strictObject({ ...resultBase, status: z.literal('passed'), runs: count }).meta({ id: 'passedResult' }),
    z
      .strictObject({
        ...resultBase,
        status: z.literal('failed'),
        runs: count,
        path: z.string().describe('fast-check counterexample path; empty when the clean replay itself failed.'),
        counterexample,
        replayCommand: z.string().min(1),
        savedTo: z.string().optional().describe('Where the shrunk schedule was saved (JSON).'),
        hint: z.string().optional().describe('What the failure likely means beyond its violations, e.g. state left outside PostgreSQL that the reset does not clear.'),
        shrunkFrom: z
          .strictObject({ groups: z.number().int().nonnegative(), steps: z.number().int().nonnegative(), violations: z.array(violation) })
          .optional()
          .describe('A failure of the clean replay, shrunk: how many entities (groups) and steps it had before, and the violations it had there.'),
      })
      .meta({ id: 'failedResult' }),
    z
      .strictObject({ ...resultBase, status: z.literal('errored'), error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }) })
      .meta({ id: 'erroredResult' }),
  ])
  .describe('A scenario result, by status.')
  .meta({ id: 'scenarioResult' });

const summary = z.strictObject({
  verdict: z
    .enum(['passed', 'failed', 'errored', 'nothing-ran', 'nothing-checked', 'interrupted'])
    .describe(
      'Decided by the runner: interrupted (a signal stopped the run) beats nothing ran or errored, which beats failed, which beats nothing-checked (no invariant of any scenario had anything to judge), which beats passed; exit code 0 passed, 1 failed, 130/143 interrupted by SIGINT/SIGTERM, 2 otherwise.',
    ),
  scenarios: count,
  passed: count,
  failed: count,
  errored: count,
  schedules: count.describe('Schedules executed over all scenarios, shrinking included.'),
  invariantChecks: count,
  invariantsJudged: count.describe('Scenario × invariant pairs that judged something in at least one schedule.'),
  invariantsNotApplicable: count.describe('Scenario × invariant pairs that judged nothing in any schedule (not applicable).'),
  violations: count,
  wallMs: ms,
  unmodelled: unmodelledList.optional(),
  interrupted: z.string().optional().describe('The signal that stopped the run (SIGINT or SIGTERM); the verdict is then interrupted.'),
});

export const signoffSchema = z
  .strictObject({
    commit: z.string().nullable().describe('git commit of the project holding the config (null outside git)'),
    dirty: z.boolean().nullable().describe('uncommitted changes at sign-off (null outside git)'),
    seed: z.int().min(0),
    tapes: z.record(z.string(), sha256).describe('sha256 of each tape file, by path'),
    suiteHash: sha256.describe('sha256 over scenario names, runs, tapes and their hashes, and the seed'),
    rerun: z.string().describe('the command that repeats this sign-off'),
  })
  .describe('Present for `idemgate gate --signoff`: what pins the run so it can be repeated bit for bit.');

export const shardSchema = z
  .strictObject({
    index: z.int().min(1).describe('Which shard this is, 1-based (`--shard index/count`).'),
    count: z.int().min(1).describe('How many shards the run was split into.'),
    command: z.enum(['run', 'gate']),
    scenarios: z
      .array(z.string().min(1))
      .describe('The whole selection that was split, in run order; this shard ran every count-th of it from index.'),
    seed: z.int().min(0).nullable().describe('--seed (null: each scenario drew its own).'),
    runs: z.int().min(1).nullable().describe("--runs (null: each scenario's own)."),
    mutate: z.boolean().describe('`gate --mutate`: the shard ran its share of the mutants too (mutation.json beside this file).'),
    suiteHash: sha256.describe('sha256 over the config file, scenario names and runs, every tape and the seed: equal on every shard of one run'),
    commit: z.string().nullable().describe('git commit of the project holding the config (null outside git)'),
  })
  .describe('Present when the run was one shard of a split run (`--shard i/n`); `idemgate merge-reports` merges the shards.');

export const mergedSchema = z
  .strictObject({
    count: z.int().min(1),
    shards: z.array(
      z.strictObject({
        index: z.int().min(1),
        scenarios: z.array(z.string()).describe('The scenarios this shard ran.'),
        wallMs: ms,
      }),
    ),
  })
  .describe('Present when `idemgate merge-reports` made this report from the shards of one split run; the summary is recomputed from the merged results.');

export const diffSchema = z
  .strictObject({
    base: z.string().min(1).describe('`--base` as given: a branch, tag or commit.'),
    commit: z.string().min(1).describe('The commit it named; the working tree (uncommitted and untracked files too) was compared with it.'),
    changedFiles: z.array(z.string()).describe("Mutation sources that differ from the base, relative to the config's mutation.root."),
    guards: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          change: z
            .enum(['removed', 'changed', 'added', 'unchanged'])
            .describe('What the diff did to this guard region; `unchanged`: same text, in a changed file.'),
          file: z.string().describe('Where the region is (for a removed one: where it was at the base).'),
          line: z.int().min(1).describe("Line of the region's start marker."),
          allowed: z.boolean().describe("A removal the config's mutation.allowRemovedGuards lets pass."),
          mutant: z
            .enum(['killed', 'survived', 'timed-out', 'errored', 'ignored', 'not-run'])
            .describe("What the restricted matrix made of the guard's mutant; `not-run`: the matrix did not run (the scenarios failed, or nothing to mutate) or the guard is gone."),
          scenario: z.string().nullable().describe('The scenario that killed its mutant.'),
        }),
      )
      .describe('Every guard region in a changed file, at the base or now.'),
    mutants: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          operator: z.string().min(1),
          file: z.string(),
          line: z.int().min(1),
          status: z.enum(['killed', 'survived', 'timed-out', 'errored', 'ignored']),
          scenario: z.string().nullable().describe('The scenario that killed it.'),
        }),
      )
      .describe("The restricted matrix's mutants (those changing a changed file; marked guards and the unmarked operators' sites alike); empty when it did not run."),
  })
  .describe('Present for `idemgate gate --base REF`: the guards the diff touched and the scenario that proves each.');

export const runReportSchema = z
  .strictObject({
    version: z.literal(1).describe('Format version; bumped on any incompatible change.'),
    startedAt: isoDateTime,
    finishedAt: isoDateTime,
    tool: z.strictObject({ name: z.string().min(1), version: z.string().min(1) }),
    target: z.strictObject({ baseUrl: z.string().min(1).describe("The target's base URL the deliveries went to.") }),
    database,
    summary,
    results: z.array(scenarioResult),
    labels: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .describe('Per scenario, a readable label for each exchange of its tape (array index = exchange index).'),
    signoff: signoffSchema.optional(),
    shard: shardSchema.optional(),
    merged: mergedSchema.optional(),
    diff: diffSchema.optional(),
  })
  .meta({
    $id: 'https://idemgate.dev/schema/results-1.json',
    title: 'idemgate results.json, format version 1',
    description:
      "One idemgate run: when, against what, the summary, and every scenario's result. A failed scenario carries its shrunk counterexample: the fault edits drawn, the schedule, one line per step, the invariant violations with their evidence rows, and what happened to every delivery. Amounts are integer minor units.",
  });

/** Every key required and `undefined` dropped, all the way down, so an optional field one side lacks is seen. */
type Strict<T> = T extends readonly (infer U)[]
  ? Strict<U>[]
  : T extends object
    ? { [K in keyof T]-?: Strict<Exclude<T[K], undefined>> }
    : T;
type Assignable<A, B> = [A] extends [B] ? true : false;
/** The two types describe the same JSON: same fields, same optionality, same value types. */
type Agree<A, B> =
  Assignable<A, B> extends true
    ? Assignable<B, A> extends true
      ? Assignable<Strict<A>, Strict<B>> extends true
        ? Assignable<Strict<B>, Strict<A>>
        : false
      : false
    : false;
type Expect<T extends true> = T;

// Compile-time: the types other folders own agree with the schema (a mismatch fails `tsc`).
export type _SchemaAgreesWithTypes = [
  Expect<Agree<z.infer<typeof delivery>, Delivery>>,
  Expect<Agree<z.infer<typeof scheduleSchema>, Schedule>>,
  Expect<Agree<z.infer<typeof faultEdit>, FaultEdit>>,
  Expect<Agree<z.infer<typeof violation>, Violation>>,
  Expect<Agree<z.infer<typeof deliveryOutcome>, DeliveryOutcome>>,
  Expect<Agree<z.infer<typeof counterexample>, Counterexample>>,
  Expect<Agree<z.infer<typeof scenarioResult>, ScenarioResult>>,
  Expect<Agree<z.infer<typeof summary>, RunSummary>>,
];

/** The JSON Schema of results.json, generated from `runReportSchema`. */
export const resultsJsonSchema = (): Record<string, unknown> => z.toJSONSchema(runReportSchema, { target: 'draft-2020-12' });

/** The committed file's text: what `npm run schema` writes and a test compares against. */
export const resultsJsonSchemaText = (): string => `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`;

/** Where the generated JSON Schema is committed. */
export const RESULTS_SCHEMA_FILE = new URL('./schema/results.schema.json', import.meta.url);
