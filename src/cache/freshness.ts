/**
 * RFC 9111 reuse decisions for stored responses, made by http-cache-semantics on the
 * edge view of the headers, with the gateway's own clock and two corrections:
 * `must-revalidate` only forbids stale reuse (§5.2.2.2), and a soft purge makes an
 * entry stale at once.
 * @module
 */
import CachePolicy from 'http-cache-semantics'
import type { Clock } from '../platform.ts'
import type { StoredResponse } from './store.ts'

/** The request as http-cache-semantics reads it. */
export interface PolicyRequest {
  url: string
  method: string
  headers: Record<string, string>
}

/** How a stored entry can answer a request. */
export type ReuseDecision =
  | { kind: 'fresh'; entry: StoredResponse; policy: CachePolicy }
  | { kind: 'stale-while-revalidate'; entry: StoredResponse; policy: CachePolicy }
  | { kind: 'revalidate'; entry: StoredResponse; policy: CachePolicy }

const POLICY_OPTIONS = { shared: true, cacheHeuristic: 0.1, immutableMinTimeToLive: 86_400_000 }

/** http-cache-semantics reads time through an overridable `now()`: bind it to our Clock. */
export class PolicyFactory {
  readonly #Policy: typeof CachePolicy

  constructor(clock: Clock) {
    this.#Policy = class extends CachePolicy {
      override now(): number {
        return clock.now()
      }
    }
  }

  /** A policy for a response just received. */
  create(
    req: PolicyRequest,
    res: { status: number; headers: Record<string, string> }
  ): CachePolicy {
    return new this.#Policy(req, res, POLICY_OPTIONS)
  }

  /** A policy restored from a stored entry. */
  restore(entry: StoredResponse): CachePolicy {
    return this.#Policy.fromObject(entry.policy)
  }
}

/** The request's values of the fields a response's `Vary` names, as one string; `null` for `Vary: *`. */
export function varySignature(vary: string | undefined, req: PolicyRequest): string | null {
  if (!vary) return ''
  const names = vary
    .toLowerCase()
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .sort()
  if (names.includes('*')) return null
  return names.map((name) => `${name}:${normalizeSpaces(req.headers[name] ?? '')}`).join('\n')
}

function normalizeSpaces(value: string): string {
  return value
    .replace(/\s*,\s*/g, ',')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The variant key an entry for `req` with this `Vary` would be stored under. */
export function variantKeyFor(
  primaryKey: string,
  vary: string | undefined,
  req: PolicyRequest
): string | null {
  const signature = varySignature(vary, req)
  return signature === null ? null : `${primaryKey}\n${signature}`
}

/** The newest stored variant whose `Vary` fields match `req`. */
export function matchingEntry(
  entries: readonly StoredResponse[],
  req: PolicyRequest
): StoredResponse | undefined {
  return entries.find(
    (entry) => variantKeyFor(entry.primaryKey, entry.policy.resh.vary, req) === entry.variantKey
  )
}

/** Picks the newest stored variant that matches `req` and says how it may be reused. */
export function chooseStored(
  entries: readonly StoredResponse[],
  req: PolicyRequest,
  factory: PolicyFactory
): ReuseDecision | undefined {
  const entry = matchingEntry(entries, req)
  if (!entry) return undefined
  const policy = factory.restore(entry)
  return { kind: decide(entry, policy, req), entry, policy }
}

function decide(
  entry: StoredResponse,
  policy: CachePolicy,
  req: PolicyRequest
): ReuseDecision['kind'] {
  const stale = entry.softPurged || policy.stale()
  if (stale && entry.mustRevalidate) return 'revalidate'
  if (entry.softPurged) {
    // A soft purge makes an entry stale now; it must not stretch the window past RFC 5861's.
    return policy.useStaleWhileRevalidate() || (!policy.stale() && hasSwr(policy))
      ? 'stale-while-revalidate'
      : 'revalidate'
  }
  const { response, revalidation } = policy.evaluateRequest(req)
  if (!response) return 'revalidate'
  if (!revalidation) return 'fresh'
  return revalidation.synchronous ? 'revalidate' : 'stale-while-revalidate'
}

/** A soft-purged entry keeps its stale-while-revalidate window even while still "fresh". */
function hasSwr(policy: CachePolicy): boolean {
  return /stale-while-revalidate=\d*[1-9]/.test(policy.toObject().resh['cache-control'] ?? '')
}

/** Whether a stale entry may answer because the origin failed (RFC 5861 stale-if-error). */
export function mayServeStaleOnError(
  entry: StoredResponse,
  policy: CachePolicy,
  disconnected = false
): boolean {
  // RFC 9111 §4.2.4: when the origin cannot be reached at all, stale content may answer
  // unless a directive forbids it.
  if (disconnected && entry.staleWhenDisconnected) return true
  if (entry.mustRevalidate || entry.staleIfError <= 0) return false
  return policy.age() < policy.maxAge() + entry.staleIfError
}
