import { describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { parseSpan, splitJsonValues } from './json-text.ts';

const thrown = (f: () => unknown): { message: string; line: number | undefined } => {
  try {
    f();
  } catch (e) {
    if (!isIdemgateError(e, 'TAPE_INVALID')) throw e;
    return { message: e.message, line: e.details.line };
  }
  throw new Error('expected an error');
};

describe('splitJsonValues', () => {
  it('splits JSON Lines and pretty-printed objects one after another, each with its first line', () => {
    const text = '{"a":1}\n{"b":\n  {"c":"x}"}\n}\n\n  {"d":[1,2]}{"e":"\\"{"}\n';
    const spans = splitJsonValues('t.jsonl', text);
    expect(spans.map((s) => s.line)).toEqual([1, 2, 6, 6]);
    expect(spans.map((s) => parseSpan('t.jsonl', text, s))).toEqual([{ a: 1 }, { b: { c: 'x}' } }, { d: [1, 2] }, { e: '"{' }]);
  });

  it('records the line of every element of the array at the item path, and only there', () => {
    const text = '{\n  "object": "list",\n  "data": [\n    {"id": 1, "data": [9]},\n\n    {\n      "id": 2\n    }\n  ],\n  "other": [{"x": 1}]\n}';
    const [span] = splitJsonValues('page.json', text, ['data']);
    expect(span!.itemLines).toEqual([4, 6]);
    const har = '{"log": {"entries": [\n{}, \n{}\n]}}';
    expect(splitJsonValues('x.har', har, ['log', 'entries'])[0]!.itemLines).toEqual([2, 3]);
  });

  it('names the line a truncated value starts on, whether the file ends inside a string or between brackets', () => {
    expect(thrown(() => splitJsonValues('t.jsonl', '{"a":1}\n{"b":2}\n{"c":"cut'))).toMatchObject({ line: 3 });
    const cut = thrown(() => splitJsonValues('page.json', '{\n "data": [\n  {"id": 1},\n  {"id": 2', ['data']));
    expect(cut.line).toBe(4);
    expect(cut.message).toBe('page.json:4: truncated: the element of data that starts here does not end (the file ends at line 4, 3 bracket(s) still open; the JSON value it is in starts at line 1)');
    const between = thrown(() => splitJsonValues('page.json', '{\n "data": [\n  {"id": 1},\n', ['data']));
    expect(between.message).toMatch(/^page\.json:1: truncated: the JSON value that starts here does not end \(the file ends at line 4, 2 bracket\(s\) still open\)/);
  });

  it('names the line of a syntax error inside a value, and a bracket that closes nothing', () => {
    const text = '{\n "a": 1,\n "b": tru\n}';
    const [span] = splitJsonValues('t.json', text);
    expect(thrown(() => parseSpan('t.json', text, span!))).toMatchObject({ line: 3 });
    expect(thrown(() => splitJsonValues('t.json', '{"a":1}}\n'))).toMatchObject({ line: 1 });
  });
});
