/**
 * Reads tables from SQL migrations without running them: a small tokenizer (quoted identifiers,
 * strings, dollar quotes, `--` and `/* *\/` comments) and a statement reader for `CREATE TABLE`,
 * `ALTER TABLE … ADD/DROP/RENAME COLUMN`, `ALTER TABLE … RENAME TO`, `DROP TABLE` and
 * `COMMENT ON TABLE`, applied file by file in file-name order.
 */
import type { SchemaColumn, SchemaTable } from './schema-table.ts';
import type { TextFile } from './source-files.ts';

interface Token {
  /** `word`: bare identifier or keyword (lower-cased); `ident`: "quoted" identifier (case kept). */
  kind: 'word' | 'ident' | 'string' | 'number' | 'punct';
  value: string;
  line: number;
  /** Comments between the previous token and this one. */
  comments: string[];
}

/**
 * A quoted SQL token from `from` (just after the opening quote): a doubled quote is one quote;
 * with `backslashes` (an E'…' string) a backslash escapes the next character. `end` is just after
 * the closing quote.
 */
function readQuoted(text: string, from: number, quote: '"' | "'", backslashes: boolean): { value: string; end: number } {
  let k = from;
  let value = '';
  while (k < text.length) {
    if (backslashes && text[k] === '\\') {
      value += text[k + 1] ?? '';
      k += 2;
      continue;
    }
    if (text[k] === quote) {
      if (text[k + 1] !== quote) break;
      value += quote;
      k += 2;
      continue;
    }
    value += text[k];
    k++;
  }
  return { value, end: k + 1 };
}

export function tokenizeSql(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let comments: string[] = [];
  const advance = (to: number): void => {
    for (let k = i; k < to; k++) if (text[k] === '\n') line++;
    i = to;
  };
  const push = (kind: Token['kind'], value: string, startLine: number): void => {
    tokens.push({ kind, value, line: startLine, comments });
    comments = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    const startLine = line;
    if (/\s/.test(c)) {
      advance(i + 1);
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      comments.push(text.slice(i, stop));
      advance(stop);
    } else if (c === '/' && text[i + 1] === '*') {
      // Postgres block comments nest.
      let depth = 0;
      let k = i;
      while (k < text.length) {
        if (text.startsWith('/*', k)) {
          depth++;
          k += 2;
        } else if (text.startsWith('*/', k)) {
          depth--;
          k += 2;
          if (depth === 0) break;
        } else k++;
      }
      comments.push(text.slice(i, k));
      advance(k);
    } else if (c === '"') {
      const { value, end } = readQuoted(text, i + 1, '"', false);
      advance(end);
      push('ident', value, startLine);
    } else if (c === "'" || ((c === 'E' || c === 'e') && text[i + 1] === "'")) {
      const { value, end } = readQuoted(text, text.indexOf("'", i) + 1, "'", c !== "'");
      advance(end);
      push('string', value, startLine);
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(text.slice(i, i + 64))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i, i + 64))![0];
      const end = text.indexOf(tag, i + tag.length);
      const stop = end < 0 ? text.length : end + tag.length;
      const value = text.slice(i + tag.length, end < 0 ? text.length : end);
      advance(stop);
      push('string', value, startLine);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(text.slice(i, i + 256))!;
      advance(i + m[0].length);
      push('word', m[0].toLowerCase(), startLine);
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i, i + 64))!;
      advance(i + m[0].length);
      push('number', m[0], startLine);
    } else {
      advance(i + 1);
      push('punct', c, startLine);
    }
  }
  return tokens;
}

/** Statements split at `;` outside parentheses. */
function statements(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')') depth = Math.max(0, depth - 1);
    if (t.kind === 'punct' && t.value === ';' && depth === 0) {
      if (current.length > 0) out.push(current);
      current = [];
      continue;
    }
    current.push(t);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Reads a statement token by token. */
class Cursor {
  constructor(
    private readonly tokens: Token[],
    public pos = 0,
  ) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  /** Consumes the words given (all of them) if they come next. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.peek(k);
      if (t === undefined || t.kind !== 'word' || t.value !== words[k]) return false;
    }
    this.pos += words.length;
    return true;
  }
  isPunct(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'punct' && t.value === value;
  }
  next(): Token | undefined {
    return this.tokens[this.pos++];
  }
  /** An identifier (bare or quoted), possibly `schema.name`; [schema, name]. */
  qualifiedName(): [string | undefined, string] | undefined {
    const first = this.identifier();
    if (first === undefined) return undefined;
    if (this.isPunct('.')) {
      this.pos++;
      const second = this.identifier();
      if (second !== undefined) return [first, second];
    }
    return [undefined, first];
  }
  identifier(): string | undefined {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'word' && t.kind !== 'ident')) return undefined;
    this.pos++;
    return t.value;
  }
  /** The tokens up to the next `,` or `)` at this depth (the cursor stops on it). */
  element(): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (let t = this.peek(); t !== undefined; t = this.peek()) {
      if (t.kind === 'punct' && depth === 0 && (t.value === ',' || t.value === ')')) break;
      if (t.kind === 'punct' && t.value === '(') depth++;
      if (t.kind === 'punct' && t.value === ')') depth--;
      out.push(t);
      this.pos++;
    }
    return out;
  }
  get done(): boolean {
    return this.pos >= this.tokens.length;
  }
}

const TABLE_CONSTRAINT = new Set(['constraint', 'primary', 'unique', 'foreign', 'check', 'exclude', 'like']);
/** Words after which a column type has ended. */
const TYPE_END = new Set([
  'not', 'null', 'default', 'primary', 'references', 'unique', 'check', 'constraint', 'generated', 'collate', 'identity', 'using',
]);
const TYPE_ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  'double precision': 'double precision',
  'bit varying': 'varbit',
  character: 'char',
  timestamptz: 'timestamp with time zone',
  decimal: 'numeric',
  int: 'integer',
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  serial4: 'serial',
  serial8: 'bigserial',
  serial2: 'smallserial',
  bool: 'boolean',
  float8: 'double precision',
  float4: 'real',
};

/** `bigint NOT NULL DEFAULT 0` → `bigint`; `timestamp with time zone` kept whole; `numeric(12, 2)` → `numeric`; `int[]` → `int[]`. */
export function columnType(tokens: Token[]): string {
  const words: string[] = [];
  let array = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && t.value === '(') {
      // Skip the type's arguments: numeric(12, 2), varchar(32).
      let depth = 0;
      for (; k < tokens.length; k++) {
        if (tokens[k]!.value === '(' && tokens[k]!.kind === 'punct') depth++;
        if (tokens[k]!.value === ')' && tokens[k]!.kind === 'punct' && --depth === 0) break;
      }
      continue;
    }
    if (t.kind === 'punct' && t.value === '[') {
      array = true;
      continue;
    }
    if (t.kind === 'punct' && (t.value === ']' || t.value === '.')) continue;
    if (t.kind === 'word' && t.value === 'array') {
      array = true;
      continue;
    }
    if (t.kind === 'punct' || t.kind === 'string' || t.kind === 'number') break;
    if (t.kind === 'word' && TYPE_END.has(t.value)) break;
    // `public.my_enum` / `"Status"`: the last part names the type.
    if (k > 0 && tokens[k - 1]!.kind === 'punct' && tokens[k - 1]!.value === '.') words.pop();
    words.push(t.value);
  }
  const type = words.join(' ');
  return (TYPE_ALIASES[type] ?? type) + (array ? '[]' : '');
}

export interface SqlSchema {
  /** Files that declared or changed a table. */
  files: string[];
  tables: SchemaTable[];
}

interface Building {
  table: SchemaTable;
  files: Set<string>;
}

const commentText = (t: Token | undefined): string => (t === undefined ? '' : t.comments.filter((c) => !c.startsWith('-->')).join('\n'));

/** A rollback file (`001_init.down.sql`, `down.sql`): it undoes its `up`, so it is not read. */
const DOWN_FILE = /(^|[._-])down\.sql$/i;
/** Where the rollback half of a two-way file starts (dbmate `-- migrate:down`, goose `-- +goose Down`). */
const DOWN_SECTION = /^--\s*(migrate:down|\+goose\s+down)\b/im;

/** The part of a migration file that migrates up. */
export function upPart(text: string): string {
  const down = DOWN_SECTION.exec(text);
  return down === null ? text : text.slice(0, down.index);
}

/** Every table the migrations leave, applied in the order given (sort files by name first); rollbacks are skipped. */
export function readSqlMigrations(files: readonly TextFile[]): SqlSchema {
  const tables = new Map<string, Building>();
  const key = (schema: string | undefined, name: string): string =>
    schema === undefined || schema === 'public' ? name : `${schema}.${name}`;
  for (const file of files) {
    if (DOWN_FILE.test(file.rel.replace(/^.*\//, ''))) continue;
    for (const stmt of statements(tokenizeSql(upPart(file.text)))) {
      const c = new Cursor(stmt);
      const first = stmt[0]!;
      if (c.accept('create')) {
        c.accept('or', 'replace');
        if (!c.accept('global')) c.accept('local');
        if (!c.accept('temporary') && !c.accept('temp')) c.accept('unlogged');
        if (!c.accept('table')) continue;
        const ifNotExists = c.accept('if', 'not', 'exists');
        const qn = c.qualifiedName();
        if (qn === undefined || !c.isPunct('(')) continue; // CREATE TABLE … AS / PARTITION OF: no column list
        if (ifNotExists && tables.has(key(qn[0], qn[1]))) continue;
        c.next();
        const columns: SchemaColumn[] = [];
        while (!c.done && !c.isPunct(')')) {
          const el = c.element();
          if (c.isPunct(',')) c.next();
          const head = el[0];
          if (head === undefined || (head.kind === 'word' && TABLE_CONSTRAINT.has(head.value))) continue;
          if (head.kind !== 'word' && head.kind !== 'ident') continue;
          columns.push({ key: head.value, sqlName: head.value, type: columnType(el.slice(1)) });
        }
        const name = key(qn[0], qn[1]);
        tables.set(name, {
          table: { name, source: 'sql', where: `${file.rel}:${first.line}`, comment: commentText(first), columns },
          files: new Set([file.rel]),
        });
      } else if (c.accept('alter', 'table')) {
        c.accept('if', 'exists');
        c.accept('only');
        const qn = c.qualifiedName();
        if (qn === undefined) continue;
        const name = key(qn[0], qn[1]);
        const found = tables.get(name);
        if (found === undefined) continue;
        found.files.add(file.rel);
        const cols = found.table.columns;
        // Actions separated by commas at depth 0.
        while (!c.done) {
          const action = new Cursor(c.element());
          if (c.isPunct(',') || c.isPunct(')')) c.next();
          if (action.accept('add')) {
            if (action.accept('constraint') || TABLE_CONSTRAINT.has(action.peek()?.value ?? '')) continue;
            action.accept('column');
            action.accept('if', 'not', 'exists');
            const col = action.identifier();
            if (col === undefined || cols.some((x) => x.sqlName === col)) continue;
            const rest: Token[] = [];
            for (let t = action.next(); t !== undefined; t = action.next()) rest.push(t);
            cols.push({ key: col, sqlName: col, type: columnType(rest) });
          } else if (action.accept('drop')) {
            if (action.accept('constraint')) continue;
            action.accept('column');
            action.accept('if', 'exists');
            const col = action.identifier();
            const at = cols.findIndex((x) => x.sqlName === col);
            if (at >= 0) cols.splice(at, 1);
          } else if (action.accept('rename', 'to')) {
            const to = action.identifier();
            if (to === undefined) continue;
            const renamed = key(qn[0], to);
            tables.delete(name);
            found.table.name = renamed;
            tables.set(renamed, found);
          } else if (action.accept('rename')) {
            if (action.accept('constraint')) continue;
            action.accept('column');
            const from = action.identifier();
            if (!action.accept('to')) continue;
            const to = action.identifier();
            const col = cols.find((x) => x.sqlName === from);
            if (col !== undefined && to !== undefined) {
              col.sqlName = to;
              col.key = to;
            }
          } else if (action.accept('alter')) {
            action.accept('column');
            const target = action.identifier();
            const col = cols.find((x) => x.sqlName === target);
            if (col !== undefined && (action.accept('type') || action.accept('set', 'data', 'type'))) {
              const rest: Token[] = [];
              for (let t = action.next(); t !== undefined; t = action.next()) rest.push(t);
              col.type = columnType(rest);
            }
          }
        }
      } else if (c.accept('drop', 'table')) {
        c.accept('if', 'exists');
        do {
          const qn = c.qualifiedName();
          if (qn !== undefined) tables.delete(key(qn[0], qn[1]));
        } while (c.isPunct(',') && c.next() !== undefined);
      } else if (c.accept('comment', 'on', 'table')) {
        const qn = c.qualifiedName();
        const found = qn === undefined ? undefined : tables.get(key(qn[0], qn[1]));
        const text = c.accept('is') ? c.next() : undefined;
        if (found !== undefined && text?.kind === 'string') {
          found.table.comment = [found.table.comment, text.value].filter((s) => s !== '').join('\n');
        }
      }
    }
  }
  const all = [...tables.values()];
  const touched = new Set(all.flatMap((b) => [...b.files]));
  return { files: files.map((f) => f.rel).filter((f) => touched.has(f)), tables: all.map((b) => b.table) };
}
