import type { MutationOperatorName } from './config.ts';

/** One file's edit inside a mutant: a pure function of the file's original text. */
export interface FileChange {
  /** Path relative to the mutation root, `/`-separated. */
  file: string;
  line: number;
  apply: (text: string) => string;
}

/**
 * One way of dropping a guard. A marked guard that spans several files is one mutant with one
 * change per file; an unmarked operator's mutant changes one place in one file.
 */
export interface Mutant {
  /** Stable id: the guard name for marked mutants, `operator@file:line[#n]` otherwise. */
  id: string;
  operator: MutationOperatorName;
  /** The guard's name (marked), or what was dropped (unmarked). */
  guard: string;
  /** First changed place (for the matrix). */
  file: string;
  line: number;
  description: string;
  changes: FileChange[];
}

/** A source file of the target as the mutator sees it. */
export interface SourceFile {
  /** Relative to the mutation root, `/`-separated. */
  path: string;
  text: string;
}
