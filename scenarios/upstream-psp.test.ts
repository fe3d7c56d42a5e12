import { scenarioTest } from '../harness/vitest.ts';
import { upstreamPsp } from './upstream-psp.scenario.ts';

scenarioTest(upstreamPsp);
