import type { Violation } from '../../invariants/invariant.ts';
import type { DeliveryOutcome } from '../../replay/outcome.ts';
import type { ScenarioResult } from '../../runner/result.ts';
import { summarise } from '../../runner/verdict.ts';
import { applyEdits, type FaultEdit } from '../../faults/edits.ts';
import { cleanSchedule, describeSchedule } from '../../schedule/schedule.ts';
import type { RunReport } from '../model.ts';

/** Hand-built run results for the report tests: one passed, one failed (concurrent group, lost ack, redelivery), one errored. */

export const INVARIANTS = [
  'balanced-transactions',
  'exactly-once-effect',
  'credited-amount',
  'no-effect-from-unsettled',
  'final-status',
  'ledger-matches-clean-replay',
  'deliveries-acknowledged',
];

export const LABELS = [
  '#1 shopee shopee:ORD-7:UNPAID ORD-7 → UNPAID',
  '#2 shopee shopee:ORD-7:READY_TO_SHIP ORD-7 → READY_TO_SHIP (+MYR 129.90 ORD-7)',
  '#3 fpx fpx:FPX-123:00 FPX-123 → settled (+MYR 55.00 FPX-123)',
  '#4 stripe evt_3Qx pi_3Qx → succeeded (+MYR 20.00 pi_3Qx)',
];

const EDITS: FaultEdit[] = [
  { kind: 'concurrent-duplicates', at: 1, width: 3 },
  { kind: 'lost-ack', at: 2, abortAfterMs: 40, redeliverAfter: 0 },
];

const PROVIDERS = ['shopee', 'shopee', 'fpx', 'stripe'];

function outcome(step: number, exchange: number, attempt: number, rest: Partial<DeliveryOutcome> & Pick<DeliveryOutcome, 'result' | 'startedAtMs'>): DeliveryOutcome {
  return {
    step,
    exchange,
    provider: PROVIDERS[exchange]!,
    attempt,
    origin: 'schedule',
    acknowledged: rest.result === 'answered' && (rest.status ?? 0) < 300,
    durationMs: 12,
    ...rest,
  };
}

export function failedResult(extraViolations: Violation[] = []): ScenarioResult & { status: 'failed' } {
  const schedule = applyEdits(cleanSchedule(4), EDITS);
  const deliveries: DeliveryOutcome[] = [
    outcome(0, 0, 1, { result: 'answered', status: 200, startedAtMs: 0 }),
    outcome(1, 1, 1, { result: 'answered', status: 200, startedAtMs: 15, durationMs: 30 }),
    outcome(1, 1, 2, { result: 'answered', status: 200, startedAtMs: 15.2, durationMs: 31 }),
    outcome(1, 1, 3, { result: 'answered', status: 500, body: '{"error":"deadlock detected"}', startedAtMs: 15.4, durationMs: 33 }),
    outcome(2, 2, 1, { result: 'aborted', error: 'aborted by idemgate after 40 ms', startedAtMs: 60, durationMs: 40 }),
    outcome(3, 2, 2, { result: 'answered', status: 200, startedAtMs: 110 }),
    outcome(4, 3, 1, { result: 'answered', status: 503, startedAtMs: 130 }),
    outcome(5, 3, 2, { result: 'answered', status: 200, startedAtMs: 400, origin: 'redelivery' }),
  ];
  const violations: Violation[] = [
    {
      invariant: 'exactly-once-effect',
      message: 'effect for reference ORD-7 is duplicated: 2 transactions touch a cash account, expected 1',
      evidence: [
        { expected: 'effect', reference: 'ORD-7', amountMinor: 12990, currency: 'MYR', direction: 'in' },
        { txn_id: 'tx-101', account: 'cash', amount_minor: '12990', currency: 'MYR', reference: 'ORD-7' },
        { txn_id: 'tx-101', account: 'sales', amount_minor: '-12990', currency: 'MYR', reference: 'ORD-7' },
        { txn_id: 'tx-102', account: 'cash', amount_minor: '12990', currency: 'MYR', reference: 'ORD-7' },
        { txn_id: 'tx-102', account: 'sales', amount_minor: '-12990', currency: 'MYR', reference: 'ORD-7' },
      ],
    },
    {
      invariant: 'ledger-matches-clean-replay',
      message: 'ledger differs from the clean replay for reference ORD-7: 2 posting(s) only in actual, 0 only in the clean replay',
      evidence: [
        { side: 'only in actual', count: 1, account: 'cash', amount_minor: '12990', currency: 'MYR', reference: 'ORD-7' },
        { side: 'only in actual', count: 1, account: 'sales', amount_minor: '-12990', currency: 'MYR', reference: 'ORD-7' },
      ],
    },
    {
      invariant: 'ledger-matches-clean-replay',
      message: 'ledger differs from the clean replay for reference FPX-123: 0 posting(s) only in actual, 2 only in the clean replay',
      evidence: [
        { side: 'only in clean replay', count: 1, account: 'fpx_clearing', amount_minor: '5500', currency: 'MYR', reference: 'FPX-123' },
        { side: 'only in clean replay', count: 1, account: 'sales', amount_minor: '-5500', currency: 'MYR', reference: 'FPX-123' },
      ],
    },
    ...extraViolations,
  ];
  return {
    scenario: 'shopee-fpx-races',
    database: 'postgres',
    durationMs: 8_412,
    schedules: 137,
    invariantChecks: 959,
    notApplicable: [],
    invariants: INVARIANTS,
    seed: 1_234_567,
    status: 'failed',
    runs: 100,
    path: '41:2:0:1',
    counterexample: {
      draw: { groups: ['shopee:ORD-7', 'fpx:FPX-123', 'stripe:pi_3Qx'], edits: EDITS },
      schedule,
      steps: describeSchedule(schedule, (i) => LABELS[i]!),
      violations,
      deliveries,
      upstreamCalls: [
        { atMs: 20, method: 'GET', path: '/api/v2/payment/get_escrow_detail', status: 200 },
        { atMs: 21, method: 'GET', path: '/api/v2/payment/get_escrow_detail', status: 429, fault: 'throttle' },
      ],
    },
    replayCommand: 'npx idemgate run --scenario shopee-fpx-races --seed 1234567 --path "41:2:0:1"',
    savedTo: 'reports/failures/shopee-fpx-races.json',
  };
}

export const passedResult = (): ScenarioResult => ({
  scenario: 'stripe-duplicates',
  database: 'postgres',
  durationMs: 3_020,
  schedules: 101,
  invariantChecks: 707,
  notApplicable: [],
  invariants: INVARIANTS,
  seed: 42,
  status: 'passed',
  runs: 100,
});

export const erroredResult = (): ScenarioResult => ({
  scenario: 'fpx-holiday-file',
  database: 'postgres',
  durationMs: 210,
  schedules: 0,
  invariantChecks: 0,
  notApplicable: [],
  invariants: INVARIANTS,
  seed: 7,
  status: 'errored',
  error: { code: 'TAPE_NOT_FOUND', message: 'fixtures/tapes/fpx-holiday.jsonl: no such file' },
});

export function sampleReport(results: ScenarioResult[] = [passedResult(), failedResult(), erroredResult()]): RunReport {
  return {
    version: 1,
    startedAt: '2026-11-25T09:14:03.120+08:00',
    finishedAt: '2026-11-25T09:14:15.002+08:00',
    tool: { name: 'idemgate', version: '0.1.0' },
    target: { baseUrl: 'http://127.0.0.1:40123' },
    database: 'postgres',
    summary: summarise(results, 11_882),
    results,
    labels: Object.fromEntries(results.map((r) => [r.scenario, LABELS])),
  };
}

/** A shard record for `sampleReport`'s selection split `count` ways (the suite hash is made up). */
export const sampleShard = (index: number, count: number, scenarios: string[] = ['stripe-duplicates', 'shopee-fpx-races', 'fpx-holiday-file']): NonNullable<RunReport['shard']> => ({
  index,
  count,
  command: 'gate',
  scenarios,
  seed: 42,
  runs: 100,
  mutate: false,
  suiteHash: 'a'.repeat(64),
  commit: '3dd030d84f9a148983fcae5bade7ea452999a036',
});
