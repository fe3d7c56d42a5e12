import { scenarioTest } from '../harness/vitest.ts';
import { fpxEnquiry } from './fpx-enquiry.scenario.ts';

scenarioTest(fpxEnquiry);
