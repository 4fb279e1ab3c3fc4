/**
 * Calling a running gateway's publish and purge endpoints from the CLI.
 * @module
 */
import { CliError } from './load-config.ts'

/** A gateway base URL from `--url`; a usage error unless http(s). */
export function gatewayUrl(value: string | undefined): URL {
  if (!value) throw new CliError('--url is required (the gateway, e.g. http://127.0.0.1:8080)', 2)
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url
  } catch {
    // reported below
  }
  throw new CliError(`invalid --url "${value}": expected an http:// or https:// URL`, 2)
}

/** The key from `--key`, else GRIPGATE_PUBLISH_KEY. */
export function publishKey(value: string | undefined): string {
  const key = value ?? process.env.GRIPGATE_PUBLISH_KEY
  if (!key) throw new CliError('--key is required (or set GRIPGATE_PUBLISH_KEY)', 2)
  return key
}

/** Splits a `k1,k2` list; a usage error when empty. */
export function keyList(value: string | undefined, flag: string): string[] {
  const keys = (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
  if (keys.length === 0) throw new CliError(`${flag} needs at least one key (k1,k2,...)`, 2)
  return keys
}

/** POSTs JSON with the key; returns the parsed answer or throws a CliError with the problem. */
export async function postJson(
  url: URL,
  key: string,
  body: unknown
): Promise<Record<string, unknown>> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
  } catch (error) {
    throw new CliError(
      `cannot reach ${url.origin}: ${(error as Error).cause ?? (error as Error).message}`
    )
  }
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = { detail: text.trim() }
  }
  if (!response.ok) {
    const detail = json.detail ?? json.title ?? text.trim()
    throw new CliError(`${url.pathname} answered ${response.status}: ${String(detail)}`)
  }
  return json
}

/** The `purged` count of an answer: a number of objects, or unknown where the cache does not count (Fastly). */
export function objectCount(purged: unknown): string {
  return typeof purged === 'number'
    ? `${purged} cached object(s)`
    : 'cached objects (count unknown)'
}
