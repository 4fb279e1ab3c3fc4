/**
 * Pure helpers of `npm run dev:cloudflare` (scripts/dev-cloudflare.ts): which secrets a
 * config needs, how they reach wrangler, and the `wrangler dev` command line.
 * @module
 */

/** Environment that keeps wrangler off the network and quiet (PLATFORMS.md B.1). */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
}

/** Variables passed on to the Worker when set, besides the config's own secrets. */
export const PASSED_VARS = ['GRIPGATE_LOG', 'GRIPGATE_CACHE_NAMESPACE'] as const

/** Names of every `{ "env": "NAME" }` secret in a parsed config document, in order. */
export function configEnvNames(doc: unknown): string[] {
  const names = new Set<string>()
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk)
    else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value)
      const only = entries.length === 1 ? entries[0] : undefined
      if (only?.[0] === 'env' && typeof only[1] === 'string') names.add(only[1])
      else for (const [, child] of entries) walk(child)
    }
  }
  walk(doc)
  return [...names]
}

/**
 * One dotenv line. Single quotes keep the value literal; a value containing one is
 * double-quoted, where dotenv only expands `\n`.
 */
export function dotenvLine(name: string, value: string): string {
  if (!value.includes("'") && !value.includes('\n')) return `${name}='${value}'`
  return `${name}="${value.replaceAll('\n', '\\n')}"`
}

/** The dotenv file carrying `names` that are set in `env` (empty string if none). */
export function dotenvFor(
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>
): string {
  return names
    .filter((name) => env[name] !== undefined)
    .map((name) => `${dotenvLine(name, env[name] as string)}\n`)
    .join('')
}

/**
 * Reads `NAME=value` lines (the subset of dotenv `.dev.vars` files use): quotes around a value
 * are removed, `\n` is expanded inside double quotes, `#` lines are comments.
 */
export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match) continue
    const [, name, raw = ''] = match
    const quote = raw[0]
    if ((quote === '"' || quote === "'") && raw.endsWith(quote) && raw.length >= 2) {
      const inner = raw.slice(1, -1)
      vars[name!] = quote === '"' ? inner.replaceAll('\\n', '\n') : inner
    } else vars[name!] = raw.replace(/\s+#.*$/, '')
  }
  return vars
}

/** The config source: JSON text as is, or else the path of a file to read. */
export function isInlineJson(value: string): boolean {
  return value.trimStart().startsWith('{')
}

/** Arguments of `wrangler dev`: local, loopback, non-interactive, the config as a variable. */
export function wranglerDevArgs(options: {
  configJson: string
  envFiles: readonly string[]
  userArgs: readonly string[]
}): string[] {
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--show-interactive-dev-session=false']
  // wrangler 4.86 splits `--var` on the first ':' only, so JSON passes intact.
  args.push('--var', `GRIPGATE_CONFIG:${options.configJson}`)
  for (const file of options.envFiles) args.push('--env-file', file)
  return [...args, ...options.userArgs]
}
