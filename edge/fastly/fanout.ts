/**
 * The fanout tier on Fastly is Fastly Fanout itself. A realtime request is handed off with
 * `createFanoutHandoff(request, 'self')`: Fanout takes the ORIGINAL client request (changes
 * made before the call are not seen) and calls this same service back with a `Grip-Sig`,
 * which then takes the pull path to the origin (GRIP.md §12, self-backend pattern).
 * Publishes go to Fastly's publish API, `POST /service/{id}/publish/`, through a backend.
 * The gateway never holds a connection here: an origin that answers a request that was not
 * handed off with instructions gets a 502 naming the fix.
 * @module
 */
import { createFanoutHandoff } from 'fastly:fanout'
import { GatewayError } from '../../src/errors.ts'
import type { FanoutTier, TierFront } from '../../src/fanout.ts'
import { DEFAULT_MAX_CHANNELS } from '../../src/grip/grip-response.ts'
import type { JsonObject } from '../../src/grip/json-fields.ts'
import type { FastlyFetch } from './origin.ts'
import type { PublishApiSettings } from './settings.ts'

/** Hands `request` to Fanout, which calls `backend` (this service) back. */
export function handOff(request: Request, backend: string): Response {
  return createFanoutHandoff(request, backend)
}

/** The answer of the publish API to one batch. */
export interface FanoutPublishResult {
  ok: boolean
  /** HTTP status of the publish API; 0 when it could not be reached. */
  status: number
  /** What the API said (or why it could not be reached), cut short. */
  detail?: string
}

/** Sends a batch of items, as publish JSON objects, to the publish API. */
export type ForwardItems = (items: readonly JsonObject[]) => Promise<FanoutPublishResult>

/** gripgate's own item fields (purge extension), which Fanout's API does not know. */
const OWN_FIELDS = new Set(['purge', 'purge-mode'])

/** The item as Fanout's publish API takes it: the client's JSON without gripgate's fields. */
export function fanoutItem(raw: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(raw).filter(([name]) => !OWN_FIELDS.has(name)))
}

/** Fastly Fanout as a `FanoutTier`: `front` takes realtime requests, `publish` relays. */
export function fastlyFanout(front: TierFront, forward: ForwardItems): FanoutTier {
  return {
    // Fanout's own limit is not published; the instruction parser keeps the GRIP default.
    maxChannels: DEFAULT_MAX_CHANNELS,
    front,
    async hold(client) {
      throw new GatewayError(
        'GRIP_NOT_HANDED_OFF',
        502,
        `the origin answered ${new URL(client.url).pathname} with GRIP instructions, but the request was not handed to Fanout; mark its route "realtime": true`
      )
    },
    // classifyRequest hands every WebSocket upgrade off first; one that gets here goes too.
    async webSocket(c) {
      return front.handOff(c.req.raw)
    },
    async publish(items, raw) {
      if (!raw || raw.length !== items.length) {
        throw new GatewayError('INTERNAL', 500, 'Fanout is given the publish JSON of each item')
      }
      const result = await forward(raw.map(fanoutItem))
      if (!result.ok) {
        const answer = result.status ? `answered ${result.status}` : 'could not be reached'
        throw new GatewayError(
          'PUBLISH_FAILED',
          502,
          `${items.length} of ${items.length} items were not published: the publish API ${answer}${result.detail ? ` (${result.detail})` : ''}`,
          { extras: { items: items.length, publishApi: result } }
        )
      }
      // Fanout's API does not say what each item reached.
      return { items: items.length, released: null, held: null, duplicates: null }
    },
    // Fastly keeps Fanout's counters (its real-time stats), not this service.
    stats: async () => ({}),
    // Nothing is held in this service: Fanout holds the connections.
    shutdown() {},
  }
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
