import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { deleteRegions, findRegions, markedMutants } from './regions.ts';

const nested = [
  'const a = 1;', //                              1
  '// idemgate-guard: outer', //                  2
  'if (seen) return;', //                         3
  '  // idemgate-guard: inner', //                4
  '  lock();', //                                 5
  '  // idemgate-guard-end', //                   6
  'claim();', //                                  7
  '// idemgate-guard-end', //                     8
  'post();', //                                   9
].join('\n');

describe('findRegions', () => {
  it('finds nested regions with their lines and depth', () => {
    const regions = findRegions(nested, 'src/h.ts');
    expect(regions.map((r) => [r.name, r.startLine, r.endLine, r.depth])).toEqual([
      ['outer', 2, 8, 0],
      ['inner', 4, 6, 1],
    ]);
  });

  it('deleting the outer region removes the inner one too; deleting the inner keeps the outer code', () => {
    const regions = findRegions(nested, 'src/h.ts');
    const outer = regions.find((r) => r.name === 'outer')!;
    const inner = regions.find((r) => r.name === 'inner')!;
    expect(deleteRegions(nested, [outer])).toBe('const a = 1;\npost();');
    expect(deleteRegions(nested, [inner])).toBe(
      ['const a = 1;', '// idemgate-guard: outer', 'if (seen) return;', 'claim();', '// idemgate-guard-end', 'post();'].join('\n'),
    );
  });

  it('reads SQL markers', () => {
    const sql = 'CREATE TABLE t (a int);\n-- idemgate-guard: t-unique\nCREATE UNIQUE INDEX t_uq ON t (a);\n-- idemgate-guard-end\n';
    const [region] = findRegions(sql, 'drizzle/0000.sql');
    expect(region).toMatchObject({ name: 't-unique', startLine: 2, endLine: 4 });
    expect(deleteRegions(sql, [region!])).toBe('CREATE TABLE t (a int);\n');
  });

  it('names the file and line of an unterminated marker', () => {
    const text = 'a();\n\n  // idemgate-guard: dedupe\nb();\n';
    expect(() => findRegions(text, 'src/stripe.ts')).toThrow(IdemgateError);
    expect(() => findRegions(text, 'src/stripe.ts')).toThrow(/src\/stripe\.ts:3: idemgate-guard: dedupe is never closed/);
  });

  it('names the file and line of an end marker without a start', () => {
    expect(() => findRegions('a();\n-- idemgate-guard-end\n', 'x.sql')).toThrow(/x\.sql:2: idemgate-guard-end without a matching/);
  });

  it('rejects a marker without a name', () => {
    expect(() => findRegions('// idemgate-guard:\n// idemgate-guard-end\n', 'y.ts')).toThrow(/y\.ts:1: .*needs a name/);
  });
});

describe('markedMutants', () => {
  it('makes one mutant per name, deleting its regions in every file', () => {
    const schema = 'const t = table([\n  // idemgate-guard: t-unique\n  uniqueIndex("t_uq"),\n  // idemgate-guard-end\n]);\n';
    const sql = 'CREATE TABLE t (a int);\n-- idemgate-guard: t-unique\nCREATE UNIQUE INDEX t_uq ON t (a);\n-- idemgate-guard-end\n';
    const handler = '// idemgate-guard: dedupe\nif (seen) return;\n// idemgate-guard-end\n// idemgate-guard: dedupe\nmark();\n// idemgate-guard-end\npost();\n';
    const files = [
      { path: 'drizzle/0000.sql', text: sql },
      { path: 'src/schema.ts', text: schema },
      { path: 'src/handler.ts', text: handler },
    ];

    const mutants = markedMutants(files);

    expect(mutants.map((m) => m.id).sort()).toEqual(['dedupe', 't-unique']);
    const unique = mutants.find((m) => m.id === 't-unique')!;
    expect(unique).toMatchObject({ operator: 'marked', file: 'src/schema.ts', line: 2 });
    expect(unique.changes.map((c) => c.file).sort()).toEqual(['drizzle/0000.sql', 'src/schema.ts']);
    const apply = (file: string): string => unique.changes.find((c) => c.file === file)!.apply(files.find((f) => f.path === file)!.text);
    expect(apply('src/schema.ts')).toBe('const t = table([\n]);\n');
    expect(apply('drizzle/0000.sql')).toBe('CREATE TABLE t (a int);\n');
    const dedupe = mutants.find((m) => m.id === 'dedupe')!;
    expect(dedupe.changes).toHaveLength(1);
    expect(dedupe.changes[0]!.apply(handler)).toBe('post();\n');
  });
});
