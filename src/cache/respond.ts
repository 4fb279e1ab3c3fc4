/**
 * Building the client's response from a stored or fetched one: edge-only fields removed,
 * `Age` computed, and the cache outcome reported in `X-Cache` and `Cache-Status` (RFC 9211).
 * @module
 */
import type CachePolicy from 'http-cache-semantics'
import { concatBytes } from '../http/bytes.ts'
import { isNotModified, notModifiedFrom } from '../http/conditional.ts'
import { fromPairs } from '../http/headers.ts'
import { applyRange } from '../http/range.ts'
import { TARGETED_FIELDS } from './edge-view.ts'
import type { StoredResponse } from './store.ts'
import { SURROGATE_KEY_FIELDS } from './surrogate-keys.ts'

/** How the edge answered; `X-Cache` carries it as is. */
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS' | 'REVALIDATED'

/** Cache-Status identifies the cache by name (RFC 9211 §2). */
export const CACHE_NAME = 'gripgate'

/** Fields only the edge reads: clients never see them. */
const EDGE_ONLY_FIELDS: readonly string[] = [...SURROGATE_KEY_FIELDS, ...TARGETED_FIELDS]

/** Removes the fields meant for the edge alone. */
export function stripEdgeOnly(headers: Headers): Headers {
  for (const name of EDGE_ONLY_FIELDS) headers.delete(name)
  return headers
}

/** Details for the Cache-Status parameters. */
export interface OutcomeDetail {
  /** Remaining freshness in seconds (hits). */
  ttl?: number
  /** Whether a forwarded response was stored. */
  stored?: boolean
  /** Status the origin answered a forward with. */
  fwdStatus?: number
  /** The request waited for another request's fetch. */
  collapsed?: boolean
}

/** Adds `X-Cache` and `Cache-Status` for an outcome. */
export function markOutcome(
  headers: Headers,
  outcome: CacheOutcome,
  detail: OutcomeDetail = {}
): Headers {
  headers.set('x-cache', outcome)
  const params: string[] = [CACHE_NAME]
  switch (outcome) {
    case 'HIT':
      params.push('hit')
      break
    case 'STALE':
      params.push('hit', 'fwd=stale')
      break
    case 'MISS':
      params.push('fwd=uri-miss')
      break
    case 'REVALIDATED':
      params.push('fwd=stale')
      break
    case 'BYPASS':
      params.push('fwd=bypass')
      break
  }
  if (detail.fwdStatus !== undefined) params.push(`fwd-status=${detail.fwdStatus}`)
  if (detail.ttl !== undefined) params.push(`ttl=${Math.round(detail.ttl)}`)
  if (detail.stored) params.push('stored')
  if (detail.collapsed) params.push('collapsed')
  headers.set('cache-status', params.join('; '))
  return headers
}

/**
 * A pass-through transform that also keeps a copy of the bytes, up to `limit`.
 * `onComplete` gets the copy once the whole body went through, or `undefined` when it
 * was too large, failed, or the reader went away. When it returns a promise (a store), the
 * body ends only after it settles, and so that a client reading a body of known length
 * (`expectedLength`, from Content-Length) cannot see it complete earlier either, the last
 * byte of such a body is held back until then.
 */
export function teeToBuffer(
  limit: number,
  onComplete: (body: Uint8Array | undefined) => void | Promise<void>,
  expectedLength?: number
): TransformStream<Uint8Array, Uint8Array> {
  let chunks: Uint8Array[] | undefined = []
  let size = 0
  let done = false
  let held: Uint8Array | undefined
  const finish = (body: Uint8Array | undefined) => {
    if (done) return
    done = true
    return onComplete(body)
  }
  // `cancel` (reader went away) is in the Streams standard and Node 20, not yet in TS 5.9's lib.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(): void } = {
    transform(chunk, controller) {
      if (held) {
        // More than Content-Length said: the held byte was not the last one after all.
        controller.enqueue(held)
        held = undefined
      }
      if (chunks) {
        size += chunk.byteLength
        if (size > limit) chunks = undefined
        else chunks.push(chunk)
      }
      if (chunks && size === expectedLength && chunk.byteLength > 0) {
        if (chunk.byteLength > 1) controller.enqueue(chunk.subarray(0, chunk.byteLength - 1))
        held = chunk.subarray(chunk.byteLength - 1)
      } else controller.enqueue(chunk)
    },
    async flush(controller) {
      await finish(chunks ? concatBytes(chunks) : undefined)
      if (held) controller.enqueue(held)
    },
    cancel() {
      void finish(undefined)
    },
  }
  return new TransformStream(transformer)
}

/**
 * Answers a client's conditional GET/HEAD with 304 when its validators match
 * (RFC 9110 §13.2.2). The caller owns the original body.
 */
export function answerConditional(request: Request, response: Response): Response {
  if (response.status !== 200 || !isNotModified(request.headers, response.headers)) return response
  return notModifiedFrom(response)
}

/** The client's response built from a stored entry. */
export function serveStored(
  request: Request,
  entry: StoredResponse,
  policy: CachePolicy,
  outcome: CacheOutcome,
  detail: OutcomeDetail
): Response {
  const headers = stripEdgeOnly(fromPairs(entry.headers))
  headers.set('age', String(Math.max(0, Math.floor(policy.age()))))
  markOutcome(headers, outcome, { ...detail, ttl: Math.max(0, policy.maxAge() - policy.age()) })
  const answer = answerConditional(request, new Response(null, { status: entry.status, headers }))
  if (answer.status === 304) return answer
  // The policy's clock is the platform's (PolicyFactory).
  return applyRange(request, entry.status, headers, entry.body.slice(), policy.now())
}
