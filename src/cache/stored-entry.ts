/**
 * Building stored entries from origin responses, and refreshing them from a 304
 * (RFC 9111 §3.2, §4.3.4). Pure: the filler decides when, this decides what.
 * @module
 */
import type CachePolicy from 'http-cache-semantics'
import type { RouteCacheConfig } from '../config/types.ts'
import { toPairs, toRecord, withoutHopByHop } from '../http/headers.ts'
import { type EdgeView, edgeView } from './edge-view.ts'
import { type PolicyFactory, type PolicyRequest, variantKeyFor } from './freshness.ts'
import type { StoredResponse } from './store.ts'
import { gripChannelsOf, surrogateKeysOf } from './surrogate-keys.ts'

/** How long an expired entry is kept for a cheap conditional refresh or a stale answer. */
const REVALIDATION_GRACE_MS = 24 * 3600 * 1000

/** Everything an entry is made of. */
export interface EntryParts {
  primaryKey: string
  preq: PolicyRequest
  status: number
  headers: Headers
  body: Uint8Array
  policy: CachePolicy
  view: EdgeView
  now: number
}

/** A response fresh for no time and without a validator can never answer again. */
export function isWorthStoring(policy: CachePolicy, view: EdgeView, headers: Headers): boolean {
  return (
    policy.timeToLive() > 0 ||
    view.staleIfError > 0 ||
    headers.has('etag') ||
    headers.has('last-modified')
  )
}

/** The entry to store for a response. */
export function buildEntry(parts: EntryParts): StoredResponse {
  const { headers, view, policy } = parts
  const hasValidator = headers.has('etag') || headers.has('last-modified')
  // Expired entries stay a while (LRU-bounded) when they can still help: revalidated cheaply
  // with their validator, or served stale while the origin is down.
  const graceful = hasValidator || view.staleWhenDisconnected
  const keep = Math.max(view.staleIfError * 1000, graceful ? REVALIDATION_GRACE_MS : 0)
  const record = policy.toObject()
  return {
    primaryKey: parts.primaryKey,
    variantKey: variantKeyFor(parts.primaryKey, record.resh.vary, parts.preq) ?? parts.primaryKey,
    status: parts.status,
    headers: toPairs(headers),
    body: parts.body,
    policy: record,
    mustRevalidate: view.mustRevalidate,
    staleIfError: view.staleIfError,
    staleWhenDisconnected: view.staleWhenDisconnected,
    // A cached GRIP instruction is also tagged with its channels, so a publish on a channel
    // purges the holds whose prev-ids it makes stale (publish-and-purge contract).
    surrogateKeys: surrogateKeysOf(headers, [...view.routeKeys, ...gripChannelsOf(headers)]),
    softPurged: false,
    usefulUntil: parts.now + policy.timeToLive() + keep,
  }
}

/** Applies a 304's fields to a stored entry; `undefined` when the 304 is for another one. */
export function refreshEntry(
  stale: StoredResponse,
  preq: PolicyRequest,
  notModified: Response,
  cache: RouteCacheConfig,
  factory: PolicyFactory,
  now: number
): StoredResponse | undefined {
  const merged = new Headers()
  for (const [name, value] of stale.headers) merged.append(name, value)
  withoutHopByHop(notModified.headers).forEach((value, name) => {
    if (name !== 'content-length') merged.set(name, value)
  })
  const view = edgeView(toRecord(merged), cache, now)
  const { policy, matches } = factory
    .restore(stale)
    .revalidatedPolicy(preq, { status: 304, headers: view.policyHeaders })
  if (!matches) return undefined
  return buildEntry({
    primaryKey: stale.primaryKey,
    preq,
    status: stale.status,
    headers: merged,
    body: stale.body,
    policy,
    view,
    now,
  })
}
