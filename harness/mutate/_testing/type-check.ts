import ts from 'typescript';

/** Declarations that let Drizzle-shaped snippets type-check without Drizzle. */
export const PRELUDE = `
interface Q<T> extends PromiseLike<T[]> {
  values(v: object): Q<T>; onConflictDoNothing(): Q<T>; onConflictDoUpdate(c: object): Q<T>;
  returning(r?: object): Q<T>; where(c: unknown): Q<T>; set(v: object): Q<T>; from(t: unknown): Q<T>;
  for(strength: 'update' | 'share' | 'no key update'): Q<T>;
}
interface Db {
  insert(t: unknown): Q<{ id: number }>; update(t: unknown): Q<{ id: number }>; select(): Q<{ id: number; status: string }>;
  execute(q: unknown): Promise<unknown>; transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R>;
}
declare const db: Db;
declare const events: { id: number; key: string };
declare const orders: { id: number; ref: string; status: string; statusRank: number; statusTime: number };
declare function and(...c: unknown[]): unknown;
declare function or(...c: unknown[]): unknown;
declare function eq(a: unknown, b: unknown): unknown;
declare function ne(a: unknown, b: unknown): unknown;
declare function lt(a: unknown, b: unknown): unknown;
declare function gte(a: unknown, b: unknown): unknown;
declare function sql(s: TemplateStringsArray, ...v: unknown[]): unknown;
interface Col { notNull(): Col; unique(): Col; primaryKey(): Col }
declare function text(name: string): Col;
declare function pgTable(name: string, cols: Record<string, Col>, extra?: (t: Record<string, Col>) => unknown[]): unknown;
declare function uniqueIndex(name: string): { on(...c: Col[]): unknown };
declare function unique(name?: string): { on(...c: Col[]): unknown };
declare function index(name: string): { on(...c: Col[]): unknown };
declare function post(tx: Db): Promise<void>;
`;

const FILE = '/snippet/snippet.ts';

/** Type errors of `PRELUDE + code` as a strict module (a real program, not just a parse). */
export function typeErrors(code: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    lib: ['lib.es2022.d.ts'],
    types: [],
    noEmit: true,
    noUnusedLocals: false,
  };
  const host = ts.createCompilerHost(options);
  const text = `${PRELUDE}\nexport {};\n${code}`;
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) =>
    name === FILE ? ts.createSourceFile(name, text, lang, true) : getSourceFile.call(host, name, lang, ...rest);
  host.fileExists = (name) => name === FILE || fileExists.call(host, name);
  host.readFile = (name) => (name === FILE ? text : readFile.call(host, name));
  const program = ts.createProgram([FILE], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
