/** Malaysia time is UTC+8 all year (no DST). */
export const MYT_OFFSET_MS = 8 * 60 * 60 * 1000;

/** FPX `yyyyMMddHHmmss` in MYT → ms since epoch; undefined if it is not a valid time. */
export function parseFpxTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  // Date.UTC rolls 31 February over to March; reject instead.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return utc - MYT_OFFSET_MS;
}

const two = (n: number) => String(n).padStart(2, '0');

/** ms since epoch → FPX `yyyyMMddHHmmss` in MYT. */
export function formatFpxTime(ms: number): string {
  const t = new Date(ms + MYT_OFFSET_MS);
  return (
    `${t.getUTCFullYear()}${two(t.getUTCMonth() + 1)}${two(t.getUTCDate())}` +
    `${two(t.getUTCHours())}${two(t.getUTCMinutes())}${two(t.getUTCSeconds())}`
  );
}

/** ms since epoch → ISO 8601 in MYT with its offset: `2026-03-09T23:59:59.000+08:00`. */
export function toMytIso(ms: number): string {
  const t = new Date(ms + MYT_OFFSET_MS);
  return `${t.toISOString().slice(0, 23)}+08:00`;
}
