import { scenarioTest } from '../harness/vitest.ts';
import { shopeePush } from './shopee-push.scenario.ts';

scenarioTest(shopeePush);
