/**
 * Cash accounts: the string literals the service assigns to `account`-like properties
 * (`{ account: 'psp_clearing', amountMinor }`, `accountCode: CASH`) whose names look like money
 * the merchant holds (cash, clearing, wallet, bank, receivable, settlement).
 */
import ts from 'typescript';
import { stringValue, visit, where, type SourceFile } from './source-files.ts';

export interface AccountLiteral {
  account: string;
  where: string;
  cash: boolean;
}

const ACCOUNT_PROPERTY = /^(account|account_?code|account_?name|account_?id|acct|ledger_?account|gl_?account|debit_?account|credit_?account)$/i;
const CASH = /cash|clearing|wallet|bank|receivable|settle|float|suspense|psp|escrow_?(held|balance)|till/i;
const NOT_CASH = /revenue|sales|income|fee|expense|payable|refunds?_out|tax|discount|equity/i;

export const looksLikeCash = (account: string): boolean => CASH.test(account) && !NOT_CASH.test(account);

/** String constants declared in a file (`const CASH = 'cash'`), to resolve `account: CASH`. */
function constants(file: SourceFile): Map<string, string> {
  const map = new Map<string, string>();
  visit(file, (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      const value = stringValue(node.initializer);
      if (value !== undefined) map.set(node.name.text, value);
    }
  });
  return map;
}

/** Every literal account name the sources post to, first occurrence each, in source order. */
export function findAccountLiterals(files: readonly SourceFile[]): AccountLiteral[] {
  const found = new Map<string, AccountLiteral>();
  for (const file of files) {
    const consts = constants(file);
    visit(file, (node) => {
      if (!ts.isPropertyAssignment(node)) return;
      const key = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;
      if (key === undefined || !ACCOUNT_PROPERTY.test(key)) return;
      const init = node.initializer;
      const values: (string | undefined)[] = ts.isConditionalExpression(init)
        ? [stringValue(init.whenTrue), stringValue(init.whenFalse)]
        : [stringValue(init) ?? (ts.isIdentifier(init) ? consts.get(init.text) : undefined)];
      for (const account of values) {
        if (account === undefined || account === '' || found.has(account)) continue;
        found.set(account, { account, where: where(file, node), cash: looksLikeCash(account) });
      }
    });
  }
  return [...found.values()];
}
