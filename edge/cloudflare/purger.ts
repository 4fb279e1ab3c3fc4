/**
 * Purge across locations: Cloudflare's zone purge-by-tag API
 * (`POST /zones/{zone_id}/purge_cache` with `{"tags": [...]}`), which removes every object
 * carrying one of the tags from every data center: our Cache API entries (tagged on `put`)
 * and anything else of the zone tagged the same, such as origin responses with `Cache-Tag`.
 *
 * The API has no soft purge, so a soft purge is hard in the other locations: they refetch
 * instead of revalidating, which is more work but never serves content a publish replaced.
 * @module
 */
import type { PurgeReport, Purger } from '../../src/purge/purger.ts'
import { cacheTagFor } from './cache-tags.ts'

/** Tags per API call: Cloudflare's "max operations per request" on every plan (2025). */
export const TAGS_PER_CALL = 100

/** Where and how to call the purge API. */
export interface ZonePurgerOptions {
  zoneId: string
  /** API token with the Zone.Cache Purge permission. */
  token: string
  /** The fetch to call the API with (injected so tests never reach the network). */
  fetch: typeof fetch
  /** Give up on one API call after this long (default 5 s): a publish waits for its purge. */
  timeoutMs?: number
  /** Default `https://api.cloudflare.com/client/v4`. */
  apiBase?: string
}

/** The body Cloudflare's API answers with (only the fields read here). */
interface ApiAnswer {
  success?: boolean
  errors?: { code?: number; message?: string }[]
}

/** Purges surrogate keys in every location through the zone purge-by-tag API. */
export class ZonePurger implements Purger {
  readonly #options: ZonePurgerOptions

  constructor(options: ZonePurgerOptions) {
    this.#options = options
  }

  /** Purges `keys` (always hard, see the module note); never throws, failures are reported per key. */
  async purge(keys: readonly string[], _soft: boolean): Promise<PurgeReport> {
    const report: PurgeReport = { soft: false, purged: [], failed: [], objects: null }
    const byTag = new Map<string, string[]>()
    for (const key of new Set(keys)) {
      const tag = await cacheTagFor(key)
      byTag.set(tag, [...(byTag.get(tag) ?? []), key])
    }
    const tags = [...byTag.keys()]
    for (let start = 0; start < tags.length; start += TAGS_PER_CALL) {
      const batch = tags.slice(start, start + TAGS_PER_CALL)
      const failure = await this.#call(batch)
      for (const tag of batch) {
        for (const key of byTag.get(tag) ?? []) {
          if (failure) report.failed.push({ key, reason: failure })
          else report.purged.push(key)
        }
      }
    }
    return report
  }

  /** One API call; resolves with the reason it failed, or `undefined` on success. */
  async #call(tags: string[]): Promise<string | undefined> {
    const { zoneId, token, timeoutMs = 5000 } = this.#options
    const base = this.#options.apiBase ?? 'https://api.cloudflare.com/client/v4'
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), timeoutMs)
    try {
      const response = await this.#options.fetch(
        `${base}/zones/${encodeURIComponent(zoneId)}/purge_cache`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ tags }),
          signal: abort.signal,
        }
      )
      const answer = (await response.json().catch(() => ({}))) as ApiAnswer
      if (response.ok && answer.success === true) return undefined
      const detail = answer.errors?.map((e) => `${e.code ?? '?'} ${e.message ?? ''}`.trim())
      return `purge API answered ${response.status}${detail?.length ? `: ${detail.join('; ')}` : ''}`
    } catch (error) {
      if (abort.signal.aborted) return `purge API did not answer within ${timeoutMs} ms`
      return `purge API unreachable: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      clearTimeout(timer)
    }
  }
}

/** The zone purger when both `CF_ZONE_ID` and the secret `CF_API_TOKEN` are set, else none. */
export function zonePurgerFrom(
  vars: { CF_ZONE_ID?: string; CF_API_TOKEN?: string },
  fetcher: typeof fetch
): ZonePurger | undefined {
  const zoneId = vars.CF_ZONE_ID?.trim()
  const token = vars.CF_API_TOKEN?.trim()
  if (!zoneId || !token) return undefined
  return new ZonePurger({ zoneId, token, fetch: fetcher })
}
