import { resolve } from 'node:path';
import { formatCheck, formatVerdict } from '../doctor/check.ts';
import { runDoctor, shownPath, STEP_TIMEOUT_MS } from '../doctor/doctor.ts';
import { findConfigFile } from '../runner/load.ts';
import { parseCommandArgs } from './args.ts';

export const DOCTOR_HELP = `idemgate doctor — check the config against the running service before a long run

Usage:
  idemgate doctor [--config FILE] [--pglite]

Starts (or connects to) the target exactly as idemgate run does, on a fresh isolated database,
then checks, each reported as ok or FAIL with a fix: line:
  env        every variable the config reads with no default is set
  target     the target started and answers (its health path, or / for a target at a URL)
  <provider> for each provider with an endpoint or on the scenarios' tapes: a genuine delivery
             (an event from a scenario's tape, re-signed with the configured secrets) is
             accepted, and the same delivery signed with wrong secrets is refused
  ledger     the ledger mapping reads (row count), or the table/column that is wrong
  entities   the entity mapping reads, likewise
Each request waits at most ${STEP_TIMEOUT_MS / 1000} s. A target at a URL keeps its own database: the genuine
deliveries (one per provider, an event that moves no money where the tape has one) land there.

Options:
  --config FILE     config file (default: idemgate.config.ts in this folder or a parent)
  --pglite          use embedded PGlite even when DATABASE_URL is set

Exit codes: 0 every check ok; 1 a check failed; 2 bad arguments, or a config that cannot be loaded
(with no missing env var to explain it).`;

/** `idemgate doctor`: prints each check as it is decided, then the verdict and the time. */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('doctor', argv, {
    config: { type: 'string' },
    pglite: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(DOCTOR_HELP);
    return 0;
  }
  const configFile = resolve(values.config ?? findConfigFile());
  console.log(`idemgate doctor: ${shownPath(configFile)}`);
  const result = await runDoctor({
    configFile,
    pglite: values.pglite === true,
    onCheck: (check) => console.log(formatCheck(check).join('\n')),
  });
  console.log(formatVerdict(result.checks, result.ms));
  return result.exit;
}
