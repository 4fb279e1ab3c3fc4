/**
 * The fanout tier on Fastly is Fastly Fanout itself. A realtime request is handed off with
 * `createFanoutHandoff(request, 'self')`: Fanout takes the ORIGINAL client request (changes
 * made before the call are not seen) and calls this same service back with a `Grip-Sig`,
 * which then takes the pull path to the origin (GRIP.md §12, self-backend pattern).
 * Publishes go to Fastly's publish API, `POST /service/{id}/publish/`, through a backend.
 * @module
 */
import { createFanoutHandoff } from 'fastly:fanout'
import type { ForwardItems } from '../../src/publish/relay.ts'
import type { FastlyFetch } from './origin.ts'
import type { PublishApiSettings } from './settings.ts'

/** Hands `request` to Fanout, which calls `backend` (this service) back. */
export function handOff(request: Request, backend: string): Response {
  return createFanoutHandoff(request, backend)
}

/** How long to wait for the publish API before reporting it unreachable. */
const PUBLISH_TIMEOUT_MS = 10_000
/** Longest answer text quoted in a report. */
const DETAIL_MAX = 300

/** Forwards item batches to the publish API; never throws, every failure is a result. */
export function publishForwarder(
  api: PublishApiSettings | undefined,
  fetchFn: FastlyFetch = (url, init) => fetch(url, init)
): ForwardItems {
  return async (items) => {
    if (!api) {
      return {
        ok: false,
        status: 0,
        detail:
          'no publish API is configured: FASTLY_SERVICE_ID is unknown and the config store sets no publish_url',
      }
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    // Fastly's API takes `Fastly-Key` or a Bearer token (GRIP.md §8.4).
    if (api.token) headers.authorization = `Bearer ${api.token}`
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const sent = fetchFn(api.url, {
        method: 'POST',
        backend: api.backend,
        headers,
        body: JSON.stringify({ items }),
      })
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PUBLISH_TIMEOUT_MS} ms`)),
          PUBLISH_TIMEOUT_MS
        )
      })
      const response = await Promise.race([sent, timeout])
      const text = (await response.text()).trim()
      const detail = text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX)}…` : text
      return { ok: response.ok, status: response.status, ...(detail ? { detail } : {}) }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return { ok: false, status: 0, detail: `${api.url} via backend "${api.backend}": ${reason}` }
    } finally {
      clearTimeout(timer)
    }
  }
}
