/** Which database a run opens: embedded PGlite, or PostgreSQL at a URL. */
export type DatabaseChoice = { readonly kind: 'pglite' } | { readonly kind: 'postgres'; readonly url: string };

export interface DatabaseRequest {
  /**
   * What the caller chose: a postgres:// URL, `null` for embedded PGlite whatever else is set
   * (`--pglite`), or undefined to let the config and the environment decide.
   */
  chosen?: string | null | undefined;
  /** The config's `database.url`. */
  configUrl?: string | undefined;
  /** Read for `DATABASE_URL`; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The one place that decides which database a run uses: the caller's choice, else the config's
 * `database.url`, else `DATABASE_URL`, else PGlite. An empty string counts as unset; `null`
 * (`--pglite`) means PGlite even when a URL is configured or in the environment.
 *
 * @example
 * resolveDatabase({ chosen: null });                    // { kind: 'pglite' }, DATABASE_URL or not
 * resolveDatabase({ configUrl: config.database?.url }); // postgres when DATABASE_URL is set
 */
export function resolveDatabase(request: DatabaseRequest = {}): DatabaseChoice {
  if (request.chosen === null) return { kind: 'pglite' };
  const env = request.env ?? process.env;
  const url = request.chosen || request.configUrl || env.DATABASE_URL;
  return url ? { kind: 'postgres', url } : { kind: 'pglite' };
}
