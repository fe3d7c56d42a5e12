import { scenarioTest } from '../harness/vitest.ts';
import { mixedTraffic } from './mixed-traffic.scenario.ts';

scenarioTest(mixedTraffic);
