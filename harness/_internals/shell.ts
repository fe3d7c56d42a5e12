/**
 * A word for POSIX sh, single-quoted (a `'` inside is closed, escaped and reopened).
 *
 * @example
 * shellQuote("it's"); // "'it'\\''s'"
 */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
