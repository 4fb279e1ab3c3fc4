/**
 * The common cache hit without its per-request RFC 9111 work: a plain GET (no
 * `Cache-Control`, `Pragma`, `Range` or preconditions) for an entry that is fresh. What the
 * full path (freshness.ts + respond.ts) would decide and send for such a request depends
 * only on the clock once the entry is stored, so it is worked out once per entry and only
 * `Age` and the outcome fields are filled in per hit. Issue #8's profile of hits showed
 * restoring a CachePolicy, rebuilding Headers from stored pairs and copying the body on
 * every request.
 * @module
 */
import type CachePolicy from 'http-cache-semantics'
import { markPlain } from '../grip/grip-response.ts'
import { TARGETED_FIELDS } from './edge-view.ts'
import type { PolicyRequest } from './freshness.ts'
import { CACHE_NAME } from './respond.ts'
import type { StoredResponse } from './store.ts'
import { markStoredHit } from './stored-hit.ts'
import { SURROGATE_KEY_FIELDS } from './surrogate-keys.ts'

/** A stored entry's answer to a plain GET, less its per-hit fields. */
export interface QuickHit {
  /** Client headers: edge-only fields removed, no `Age`, `X-Cache` or `Cache-Status`. */
  headers: Record<string, string>
  /** `policy.age()` at `at`, seconds. */
  ageAt: number
  at: number
  /** `policy.maxAge()`, seconds: fresh while the age is below it. */
  maxAge: number
  /**
   * A GRIP instruction (a `Grip-*` field or the instruct media type): answered quickly to the
   * gateway's GRIP step only, never written to a client as it is.
   */
  grip: boolean
}

/** Request fields that can change how a stored response answers (RFC 9111 §5.2.1, RFC 9110 §13, §14). */
export const DECIDING_REQUEST_FIELDS = [
  'cache-control',
  'pragma',
  'range',
  'if-range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
]

/** Statuses a Response may not carry a body with (RFC 9110 §6.4.1): rare enough for the full path. */
const NULL_BODY = new Set([204, 205, 304])

const EDGE_ONLY = new Set<string>([...SURROGATE_KEY_FIELDS, ...TARGETED_FIELDS])

/** Whether `preq` is a plain GET whose answer depends on nothing but the entry's freshness. */
export function isPlainGet(method: string, preq: PolicyRequest): boolean {
  if (method !== 'GET') return false
  for (const name of DECIDING_REQUEST_FIELDS) if (preq.headers[name] !== undefined) return false
  return true
}

/**
 * The quick answer of `entry`, or undefined when its responses must take the full path:
 * a `no-cache` response (every reuse is revalidated), a field repeated in the stored headers
 * (a plain record cannot carry two values), or a status without a body. A GRIP instruction
 * is marked `grip`: the proxy acts on it (issue #15: a cached hold then skips the RFC 9111
 * work and, with the proxy's memo, the instruction's parse).
 */
export function prepareQuickHit(
  entry: StoredResponse,
  policy: CachePolicy,
  now: number
): QuickHit | undefined {
  if (NULL_BODY.has(entry.status)) return undefined
  const cc = entry.policy.rescc ?? {}
  if ('no-cache' in cc || /no-cache/.test(entry.policy.resh.pragma ?? '')) return undefined
  const headers: Record<string, string> = {}
  let grip = false
  for (const [name, value] of entry.headers) {
    if (EDGE_ONLY.has(name)) continue
    if (name in headers || name === 'age') return undefined
    if (name.startsWith('grip-')) grip = true
    headers[name] = value
  }
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (type === 'application/grip-instruct') grip = true
  return { headers, ageAt: policy.age(), at: now, maxAge: policy.maxAge(), grip }
}

/** A quick answer: everything a server needs to write the response. */
export interface QuickAnswer {
  status: number
  headers: Record<string, string>
  /** The stored bytes themselves: never to be modified. */
  body: Uint8Array
}

/** The client's answer from a quick entry at `now`, or undefined when it is no longer fresh. */
export function quickHitAnswer(
  entry: StoredResponse,
  quick: QuickHit,
  now: number
): QuickAnswer | undefined {
  const age = quick.ageAt + (now - quick.at) / 1000
  if (entry.softPurged || age >= quick.maxAge) return undefined
  const ttl = Math.round(Math.max(0, quick.maxAge - age))
  // Copied name by name, not spread: V8 gives a spread of this record a map of its own on
  // every hit, and each field added after it a new map (issue #18's profile of hits: map
  // creation was a tenth of the hit). Added one by one, every hit walks the same transitions.
  const headers: Record<string, string> = {}
  for (const name in quick.headers) headers[name] = quick.headers[name]!
  headers.age = String(Math.max(0, Math.floor(age)))
  headers['x-cache'] = 'HIT'
  headers['cache-status'] = `${CACHE_NAME}; hit; ttl=${ttl}`
  return { status: entry.status, headers, body: entry.body }
}

/**
 * A quick answer as a web Response: marked as carrying no GRIP instruction, or, for an
 * instruction, as `entry`'s whole answer (stored-hit.ts).
 */
export function quickHitResponse(
  answer: QuickAnswer,
  entry: StoredResponse,
  grip: boolean
): Response {
  // Stored bodies are copies the store owns, never views of shared memory. A plain record
  // and the stored bytes as they are: Node's server then writes the response without
  // building web Headers at all.
  const body = answer.body as Uint8Array<ArrayBuffer>
  const response = new Response(body, { status: answer.status, headers: answer.headers })
  return grip ? markStoredHit(response, { entry, headers: answer.headers }) : markPlain(response)
}
