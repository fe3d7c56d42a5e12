/**
 * Reads tables from Prisma schemas (`*.prisma`) without the Prisma CLI: each
 * `model X { field Type @map("col") … @@map("table") }` is a table (named by `@@map`, else the
 * model name), each scalar field a column (named by `@map`, else the field name). Relation fields
 * (another model's type, or a list) have no column and are skipped.
 */
import type { SchemaColumn, SchemaTable } from './schema-table.ts';
import type { TextFile } from './source-files.ts';

/** Prisma scalar → the PostgreSQL type Prisma creates for it. */
const SCALARS: Record<string, string> = {
  Int: 'integer',
  BigInt: 'bigint',
  Decimal: 'numeric',
  Float: 'double precision',
  String: 'text',
  Boolean: 'boolean',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** `@db.X` native types that change the SQL type. */
const NATIVE: Record<string, string> = {
  integer: 'integer',
  int: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  decimal: 'numeric',
  numeric: 'numeric',
  money: 'money',
  real: 'real',
  doubleprecision: 'double precision',
  varchar: 'varchar',
  char: 'char',
  text: 'text',
  uuid: 'uuid',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp',
  date: 'date',
};

interface Block {
  kind: string;
  name: string;
  line: number;
  comment: string;
  body: { text: string; line: number }[];
}

/** Line comments removed outside strings; `///` doc comments returned apart. */
function stripComment(line: string): { code: string; doc?: string } {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && inString) {
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    if (!inString && ch === '/' && line[i + 1] === '/') {
      const rest = line.slice(i);
      return { code: line.slice(0, i), doc: rest.replace(/^\/\/\/?\s?/, '') };
    }
  }
  return { code: line };
}

/** The top-level `model`/`enum`/`type`/`view` blocks of one file. */
function blocks(file: TextFile): Block[] {
  const out: Block[] = [];
  let current: Block | undefined;
  let pending: string[] = [];
  file.text.split(/\r?\n/).forEach((raw, index) => {
    const { code, doc } = stripComment(raw);
    const text = code.trim();
    if (current === undefined) {
      const open = /^(model|enum|type|view)\s+(\w+)\s*\{/.exec(text);
      if (open !== null) {
        current = { kind: open[1]!, name: open[2]!, line: index + 1, comment: pending.join('\n'), body: [] };
        pending = [];
        // A one-line block: `enum Role { USER ADMIN }`.
        const rest = text.slice(open[0].length);
        if (rest.includes('}')) {
          const inner = rest.slice(0, rest.lastIndexOf('}')).trim();
          if (inner !== '') current.body.push({ text: inner, line: index + 1 });
          out.push(current);
          current = undefined;
        }
      } else if (text === '' && doc !== undefined) pending.push(doc);
      else if (text !== '') pending = [];
      return;
    }
    if (text === '}') {
      out.push(current);
      current = undefined;
      return;
    }
    if (text !== '') current.body.push({ text, line: index + 1 });
  });
  return out;
}

/** The first string argument of `@attr("x")` / `@attr(name: "x")` in a field or block line. */
function attrString(text: string, attr: string): string | undefined {
  const re = new RegExp(`${attr.replace(/[.@]/g, (c) => `\\${c}`)}\\(\\s*(?:name:\\s*)?"((?:[^"\\\\]|\\\\.)*)"`);
  return re.exec(text)?.[1];
}

export interface PrismaSchema {
  files: string[];
  tables: SchemaTable[];
}

/** Every model of every Prisma schema file given (models may refer to each other across files). */
export function readPrismaSchemas(files: readonly TextFile[]): PrismaSchema {
  const perFile = files.map((file) => ({ file, blocks: blocks(file) }));
  const models = new Set(perFile.flatMap((f) => f.blocks.filter((b) => b.kind === 'model' || b.kind === 'view').map((b) => b.name)));
  const composite = new Set(perFile.flatMap((f) => f.blocks.filter((b) => b.kind === 'type').map((b) => b.name)));
  const enums = new Set(perFile.flatMap((f) => f.blocks.filter((b) => b.kind === 'enum').map((b) => b.name)));
  const tables: SchemaTable[] = [];
  const used = new Set<string>();
  for (const { file, blocks: fileBlocks } of perFile) {
    for (const block of fileBlocks) {
      if (block.kind !== 'model') continue;
      const columns: SchemaColumn[] = [];
      let name = block.name;
      for (const { text } of block.body) {
        if (text.startsWith('@@')) {
          const mapped = text.startsWith('@@map') ? attrString(text, '@@map') : undefined;
          if (mapped !== undefined) name = mapped;
          continue;
        }
        const field = /^(\w+)\s+([\w.]+)(\[\])?(\?)?(.*)$/.exec(text);
        if (field === null) continue;
        const [, key, typeName, list, , rest] = field;
        if (list !== undefined || models.has(typeName!) || composite.has(typeName!) || /@relation\b/.test(rest!) || /@ignore\b/.test(rest!)) continue;
        const native = /@db\.(\w+)/.exec(rest!)?.[1]?.toLowerCase();
        const type = (native !== undefined ? NATIVE[native] : undefined) ?? SCALARS[typeName!] ?? (enums.has(typeName!) ? 'enum' : typeName!.toLowerCase());
        columns.push({ key: key!, sqlName: attrString(rest!, '@map') ?? key!, type });
      }
      tables.push({ name, source: 'prisma', where: `${file.rel}:${block.line}`, comment: block.comment, columns });
      used.add(file.rel);
    }
  }
  return { files: files.map((f) => f.rel).filter((f) => used.has(f)), tables };
}
