import { formatResult, type Painter } from './console.ts';
import { describeTimingPlan, type Scenario, type ScenarioResult, type SuiteProgress, type TimingPlan, type WorkerPlan } from './model.ts';

const BAR = 24;

/**
 * Progress on a terminal: one live line per scenario (a bar of schedules explored, then the
 * shrink step once a failure was found), replaced by the scenario's result when it ends.
 * Off a TTY or in CI it prints only the results (quiet, no control codes).
 */
export function createProgress(stream: NodeJS.WriteStream, painter: Painter, live = stream.isTTY === true && !process.env.CI): SuiteProgress {
  let runs = 0;
  let shrinkSteps = 0;
  let lastDraw = 0;
  const clear = (): void => {
    if (live) stream.write('\r\u001b[2K');
  };
  return {
    start(scenario: Scenario, totalRuns: number) {
      runs = totalRuns;
      shrinkSteps = 0;
      if (live) stream.write(`${scenario.name} …`);
    },
    schedule(scenario: Scenario, info: { done: number; failed: boolean; shrinking: boolean }) {
      if (info.shrinking) shrinkSteps++;
      const now = Date.now();
      if (!live || now - lastDraw < 80) return;
      lastDraw = now;
      const done = Math.min(info.done, runs + 1);
      const filled = Math.round((done / (runs + 1)) * BAR);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
      const state = shrinkSteps > 0 ? painter.red(`failure found, shrinking: step ${shrinkSteps}`) : `${done}/${runs + 1} schedules`;
      clear();
      stream.write(`${scenario.name}  ${bar}  ${state}`);
    },
    workers(plan: WorkerPlan) {
      const threads = plan.count - 1;
      const how = threads === 0 ? 'one after another on this session' : `on this session and ${threads} worker thread${threads === 1 ? '' : 's'}, each with its own target and database`;
      stream.write(`schedules run ${how}${plan.reason === undefined ? '' : ` (${plan.reason})`}\n`);
    },
    timing(scenario: Scenario, plan: TimingPlan) {
      clear();
      stream.write(`${scenario.name}: ${describeTimingPlan(plan)}\n`);
      if (live) stream.write(`${scenario.name} …`);
    },
    end(result: ScenarioResult) {
      clear();
      stream.write(`${formatResult(result, painter).join('\n')}\n`);
    },
  };
}
