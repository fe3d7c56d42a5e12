import type { MutationOperatorName } from '../config.ts';
import { IdemgateError } from '../../errors.ts';
import type { Mutant, SourceFile } from '../mutant.ts';
import { markedMutants } from '../regions.ts';
import { earlyReturnMutants } from './early-return.ts';
import { forUpdateMutants } from './for-update.ts';
import { onConflictMutants } from './on-conflict.ts';
import { statusConditionMutants } from './status-condition.ts';
import { transactionMutants } from './transaction.ts';
import { uniqueMutants } from './unique.ts';

/** Unmarked operators: each reads one TypeScript file and proposes mutants. */
export const unmarkedOperators: Record<Exclude<MutationOperatorName, 'marked'>, (source: SourceFile) => Mutant[]> = {
  'on-conflict': onConflictMutants,
  'for-update': forUpdateMutants,
  unique: uniqueMutants,
  transaction: transactionMutants,
  'early-return': earlyReturnMutants,
  'status-condition': statusConditionMutants,
};

export const ALL_OPERATORS: readonly MutationOperatorName[] = ['marked', ...(Object.keys(unmarkedOperators) as MutationOperatorName[])];

/** Parses `--operators a,b,c`; an unknown name is a usage error listing the known ones. */
export function parseOperators(value: string): MutationOperatorName[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ALL_OPERATORS.includes(n as MutationOperatorName));
  if (unknown.length > 0 || names.length === 0) {
    throw new IdemgateError('USAGE', `--operators: unknown operator ${unknown.join(', ') || '(none given)'}; known: ${ALL_OPERATORS.join(', ')}`);
  }
  return [...new Set(names)] as MutationOperatorName[];
}

const isTypeScript = (path: string): boolean => /\.(?:c|m)?tsx?$/.test(path) && !path.endsWith('.d.ts');

/** Every mutant the chosen operators make of the files; ids are unique (`#2`, `#3` on a shared line). */
export function collectMutants(files: readonly SourceFile[], operators: readonly MutationOperatorName[]): Mutant[] {
  const mutants: Mutant[] = [];
  if (operators.includes('marked')) mutants.push(...markedMutants(files));
  // Canonical operator order, whatever order `--operators` named them in.
  for (const op of ALL_OPERATORS) {
    if (op === 'marked' || !operators.includes(op)) continue;
    for (const f of files) if (isTypeScript(f.path)) mutants.push(...unmarkedOperators[op](f));
  }
  const seen = new Map<string, number>();
  return mutants.map((m) => {
    const n = (seen.get(m.id) ?? 0) + 1;
    seen.set(m.id, n);
    return n === 1 ? m : { ...m, id: `${m.id}#${n}` };
  });
}
