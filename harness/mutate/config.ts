import { z } from 'zod';
import type { Assert, Same } from '../_internals/same-type.ts';
import type { TargetStart, TargetWorkers } from '../targets/types.ts';

/** Operators `idemgate mutate` knows; `marked` deletes `idemgate-guard` regions, the rest need no markers. */
export const mutationOperatorSchema = z.enum(['marked', 'on-conflict', 'for-update', 'unique', 'transaction', 'early-return', 'status-condition']);
export type MutationOperatorName = z.infer<typeof mutationOperatorSchema>;

export interface MutationConfig {
  /** The target's source root (relative to the config's folder); each mutant runs in a copy of it. */
  root: string;
  /**
   * Which files under `root` are mutated, as globs relative to it.
   * Default `['**\/*.ts', '**\/*.sql']`; `*.test.ts` and node_modules are never mutated.
   */
  sources?: string[];
  /** How to start one mutant from its copy (absolute path of the copied root). Usually `kind: 'command'`. */
  start: (copyDir: string) => TargetStart;
  /**
   * How to start a copy for the scenarios that kill the target (`crashRestart()`), as
   * `target.crashStart` is for the run: they get a session of their own with it. Default: `start`.
   */
  crashStart?: (copyDir: string) => Extract<TargetStart, { kind: 'command' }>;
  /**
   * How to start a copy's worker processes (`target.workers` for the copy), so a mutant's worker
   * code runs too. Without it a config with `target.workers` runs the original workers beside each mutant.
   */
  workers?: (copyDir: string) => TargetWorkers;
  /** Default operators when `--operators` is not given. Default: all. */
  operators?: MutationOperatorName[];
  /**
   * Run in the copy after a schema mutant (the `unique` operator) so the migration matches the
   * schema again, e.g. drizzle-kit generate. `{copyDir}` is substituted in args; cwd is the copy.
   */
  regenerate?: { command: string; args?: string[] };
  /**
   * Mutants not run, by id (a guard name for marked mutants), each with the reason no scenario
   * can reach it, e.g. a crash-recovery path. They are listed in the matrix as "ignored" with the
   * reason and count neither as killed nor as survived; an id that matches no mutant is an error,
   * so a stale entry cannot hide a guard. `--mutant ID` still runs an ignored mutant.
   */
  ignore?: Record<string, string>;
  /**
   * Guard names whose removal `idemgate gate --base REF` lets pass: a guard region (or its
   * markers) the diff deletes is otherwise a failure naming the file and line before any scenario
   * runs. A listed name the diff does not remove is fine (the entry can stay until the code is gone).
   */
  allowRemovedGuards?: string[];
}

/** The `mutation` section's runtime check (part of the config schema); `MutationConfig` is checked against it at compile time. */
export const mutationConfigSchema = z.object({
  root: z.string().min(1),
  sources: z.array(z.string()).optional(),
  start: z.custom<(copyDir: string) => TargetStart>((v) => typeof v === 'function', { error: 'must be a function (copyDir) => TargetStart' }),
  crashStart: z
    .custom<(copyDir: string) => Extract<TargetStart, { kind: 'command' }>>((v) => typeof v === 'function', { error: "must be a function (copyDir) => a kind: 'command' TargetStart" })
    .optional(),
  workers: z.custom<(copyDir: string) => TargetWorkers>((v) => typeof v === 'function', { error: 'must be a function (copyDir) => target.workers' }).optional(),
  operators: z.array(mutationOperatorSchema).optional(),
  regenerate: z.object({ command: z.string().min(1), args: z.array(z.string()).optional() }).optional(),
  ignore: z.record(z.string(), z.string()).optional(),
  allowRemovedGuards: z.array(z.string().min(1)).optional(),
});

type _MutationConfigMatchesSchema = Assert<Same<z.infer<typeof mutationConfigSchema>, MutationConfig>>;
