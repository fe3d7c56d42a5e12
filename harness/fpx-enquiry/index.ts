/**
 * The FPX status-enquiry feature: the merchant's cron keeps running its AE enquiry job after the
 * recorded traffic stops. The tick itself is a provider (`providers/fpx-enquiry-tick/`); this
 * folder holds what a scenario adds on top of it.
 *
 * @example
 * defineScenario({ name: 'fpx-enquiry', tapes: ['fixtures/tapes/fpx-enquiry.jsonl'], faults, extensions: [fpxEnquiryCron()] });
 */
export { fpxEnquiryCron, type FpxEnquiryCronFacts } from './cron.ts';
