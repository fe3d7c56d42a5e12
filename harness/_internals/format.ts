/**
 * The one way a duration becomes text, for every report, the CLI and the mutation matrix. A leaf:
 * it imports nothing, so anything may use it.
 */

export interface SecondsOptions {
  /** Decimals; default 1 (`8.4`). JUnit wants 3. */
  digits?: number;
  /** Append ` s`; default true. Off for table cells under a "Seconds" header. */
  unit?: boolean;
}

/**
 * A duration given in seconds, as text.
 *
 * @example
 * seconds(8.412) // '8.4 s'
 * seconds(8.412, { digits: 3, unit: false }) // '8.412'
 */
export function seconds(s: number, { digits = 1, unit = true }: SecondsOptions = {}): string {
  const text = s.toFixed(digits);
  return unit ? `${text} s` : text;
}

/** A duration measured in milliseconds, as seconds text (see `seconds`). */
export const secondsOfMs = (ms: number, options?: SecondsOptions): string => seconds(ms / 1000, options);
