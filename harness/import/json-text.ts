import { importInvalid } from './source.ts';

/** One top-level JSON value of a file, with where it starts and where its items start. */
export interface JsonSpan {
  start: number;
  end: number;
  /** 1-based line of the value's first character. */
  line: number;
  /** 1-based line of each element of the array at `itemPath` inside this value (empty when there is none). */
  itemLines: number[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

interface Frame {
  array: boolean;
  /** The current key of an object frame. */
  key: string | undefined;
  /** An object frame waiting for its next key (after `{` or `,`). */
  awaitingKey: boolean;
  /** This frame is the array at `itemPath`: its elements' lines are recorded. */
  items: boolean;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === NEWLINE || c === 0x0d;

/**
 * Splits text into its top-level JSON values — one document, JSON Lines, or pretty-printed
 * objects one after another (`stripe listen --print-json`) — in one pass, recording the line of
 * each element of the array at `itemPath` (`['data']` of a Stripe list, `['log', 'entries']` of a
 * HAR). A value the file ends inside (a truncated download, a last line cut short) or a bracket
 * that closes nothing is an error naming the file and the line the value starts on; the values
 * themselves are checked by JSON.parse (`parseSpan`).
 */
export function splitJsonValues(file: string, text: string, itemPath: readonly string[] = []): JsonSpan[] {
  const spans: JsonSpan[] = [];
  const stack: Frame[] = [];
  let line = 1;
  let current: JsonSpan | undefined;
  let scalarStart = -1;
  const endScalar = (at: number): void => {
    if (scalarStart < 0) return;
    scalarStart = -1;
    if (stack.length === 0 && current !== undefined) {
      current.end = at;
      spans.push(current);
      current = undefined;
    }
  };
  const valueStarts = (at: number): void => {
    if (stack.length === 0) {
      current = { start: at, end: -1, line, itemLines: [] };
      return;
    }
    const top = stack[stack.length - 1]!;
    if (top.items) current!.itemLines.push(line);
  };
  const isItemArray = (): boolean => {
    if (stack.length !== itemPath.length) return false;
    for (let k = 0; k < itemPath.length; k++) {
      const frame = stack[k]!;
      if (frame.array || frame.key !== itemPath[k]) return false;
    }
    return true;
  };
  /** The file ends inside a value: inside a list or a HAR, the element it ends in is the line to look at. */
  const truncated = (where: string) => {
    const valueLine = current?.line ?? line;
    const cutItem = current?.itemLines.at(-1);
    if (cutItem !== undefined && stack.length > itemPath.length + 1) {
      return importInvalid(
        { file, line: cutItem },
        `truncated: the element of ${itemPath.join('.')} that starts here does not end (the file ends ${where}; the JSON value it is in starts at line ${valueLine})`,
      );
    }
    return importInvalid({ file, line: valueLine }, `truncated: the JSON value that starts here does not end (the file ends ${where})`);
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (scalarStart >= 0) {
      if (!(isSpace(c) || c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === COLON)) continue;
      endScalar(i);
    }
    if (c === NEWLINE) {
      line++;
      continue;
    }
    if (isSpace(c) || c === COLON) continue;
    const top = stack[stack.length - 1];
    if (c === COMMA) {
      if (top !== undefined && !top.array) top.awaitingKey = true;
      continue;
    }
    if (c === QUOTE) {
      const startLine = line;
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) j++;
        else if (d === QUOTE) break;
        else if (d === NEWLINE) line++;
      }
      if (j >= n) throw truncated(`inside a string that starts at line ${startLine}`);
      if (top !== undefined && !top.array && top.awaitingKey) {
        top.key = text.slice(i + 1, j);
        top.awaitingKey = false;
      } else {
        valueStarts(i);
        if (stack.length === 0 && current !== undefined) {
          current.end = j + 1;
          spans.push(current);
          current = undefined;
        }
      }
      i = j;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      valueStarts(i);
      const array = c === OPEN_ARRAY;
      stack.push({ array, key: undefined, awaitingKey: !array, items: array && isItemArray() });
      continue;
    }
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      const frame = stack.pop();
      if (frame === undefined || frame.array !== (c === CLOSE_ARRAY)) {
        throw importInvalid({ file, line }, `not valid JSON: unexpected "${String.fromCharCode(c)}"`);
      }
      if (stack.length === 0 && current !== undefined) {
        current.end = i + 1;
        spans.push(current);
        current = undefined;
      }
      continue;
    }
    // A number or a literal (true, false, null), or garbage JSON.parse names.
    valueStarts(i);
    scalarStart = i;
  }
  endScalar(n);
  if (stack.length > 0) throw truncated(`at line ${line}, ${stack.length} bracket(s) still open`);
  return spans;
}

/**
 * Where in `text` JSON.parse failed: V8 says "at position N", or quotes the text around the error
 * (`..."<10 characters before><the error>…" is not valid JSON`), which is found again in the text.
 */
function errorPosition(message: string, text: string): number {
  const position = /position (\d+)/.exec(message);
  if (position !== null) return Number(position[1]);
  const context = /, (\.\.\.)?"([\s\S]*)"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (context === null) return 0;
  const found = text.indexOf(context[2]!);
  return found < 0 ? 0 : found + (context[1] === undefined ? 0 : 10);
}

/**
 * JSON.parse of one span; a syntax error names the line it is on (V8 says "at position N", or
 * "(line L column C)" on newer Node).
 */
export function parseSpan(file: string, text: string, span: JsonSpan): unknown {
  const slice = text.slice(span.start, span.end);
  try {
    return JSON.parse(slice);
  } catch (e) {
    const message = (e as Error).message;
    const at = errorPosition(message, slice);
    let line = span.line;
    for (let k = 0; k < at; k++) if (slice.charCodeAt(k) === NEWLINE) line++;
    throw importInvalid({ file, line }, `not valid JSON (${message})`);
  }
}
