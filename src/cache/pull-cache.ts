/**
 * The pull path: answers cacheable GET/HEAD from the store, fetching from the origin on
 * a miss, revalidating stale entries, collapsing concurrent misses, and invalidating on
 * unsafe methods (RFC 9111 §4.4).
 * @module
 */
import type { RequestDirectivesMode, RouteCacheConfig } from '../config/types.ts'
import type { Clock, Logger, WaitUntil } from '../platform.ts'
import { Collapser } from './collapse.ts'
import { Filler, type Forward } from './fill.ts'
import {
  chooseStored,
  matchingEntry,
  PolicyFactory,
  type PolicyRequest,
  type ReuseDecision,
} from './freshness.ts'
import { PurgeFence } from './purge-fence.ts'
import {
  DECIDING_REQUEST_FIELDS,
  isPlainGet,
  prepareQuickHit,
  type QuickAnswer,
  type QuickHit,
  quickHitAnswer,
  quickHitResponse,
} from './quick-hit.ts'
import { decisionHeaders } from './request-directives.ts'
import { type CacheOutcome, serveStored } from './respond.ts'
import { CacheStats } from './stats.ts'
import type { CacheStore, StoredResponse } from './store.ts'

export type { Forward } from './fill.ts'

/** What `quickLookup` finds: an answer to write, a GRIP instruction, or nothing quick. */
export type QuickLookup = QuickAnswer | 'instruction' | undefined

/** What the pull cache needs from its platform. */
export interface PullCacheDeps {
  store: CacheStore
  clock: Clock
  logger: Logger
  waitUntil: WaitUntil
  /** Largest body kept in the store; larger ones stream through. */
  maxObjectBytes: number
  /** How long a collapsed request waits for another's fetch before going itself. */
  collapseWaitMs?: number
  /** A client's Cache-Control / Pragma: `ignore` (default) or `honor` (request-directives.ts). */
  requestDirectives?: RequestDirectivesMode
}

const METHODS_SERVED_FROM_CACHE = new Set(['GET', 'HEAD'])
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** The edge cache in front of the origins. */
export class PullCache {
  readonly stats = new CacheStats()
  readonly #deps: PullCacheDeps
  readonly #factory: PolicyFactory
  readonly #collapser = new Collapser()
  readonly #filler: Filler
  readonly #fence = new PurgeFence()
  /**
   * Quick answers by entry (quick-hit.ts). Keyed by the stored object, so a store that
   * hands out the same object on every lookup (memory) reuses it and one that rebuilds
   * entries per lookup simply takes the full path; an entry dropped from the store is
   * forgotten with it. `null`: the entry must always take the full path.
   */
  readonly #quick = new WeakMap<StoredResponse, QuickHit | null>()
  readonly #mode: RequestDirectivesMode

  constructor(deps: PullCacheDeps) {
    this.#deps = deps
    this.#mode = deps.requestDirectives ?? 'ignore'
    this.#factory = new PolicyFactory(deps.clock)
    this.#filler = new Filler(deps, this.#factory, this.stats, this.#fence)
  }

  /** Answers `request` through the cache (or around it, per `cache`), using `forward` to reach the origin. */
  async handle(request: Request, cache: RouteCacheConfig, forward: Forward): Promise<Response> {
    if (!METHODS_SERVED_FROM_CACHE.has(request.method)) return this.#unsafe(request, forward)
    if (cache === false || hasUpgrade(request)) return this.#filler.bypass(request, forward)
    const url = new URL(request.url)
    const primaryKey = primaryKeyOf(url)
    const now = this.#deps.clock.now()
    const entries = await this.#deps.store.lookup(primaryKey, now)
    if (request.method === 'GET' && entries.length > 0) {
      const quickReq = quickPolicyRequest(request, url, this.#mode, entries)
      const quick =
        isPlainGet('GET', quickReq) && this.#quickHit(matchingEntry(entries, quickReq), now, true)
      if (quick) return quickHitResponse(quick.answer, quick.entry, quick.grip)
    }
    const preq = policyRequest(request, url, this.#mode)
    let decision = chooseStored(entries, preq, this.#factory)
    if (decision?.kind === 'fresh' && !this.#quick.has(decision.entry)) {
      this.#quick.set(decision.entry, prepareQuickHit(decision.entry, decision.policy, now) ?? null)
    }
    if (!decision) {
      const pending = this.#collapser.pending(primaryKey)
      if (pending && collapsible(preq)) {
        await this.#wait(pending)
        decision = await this.#lookup(primaryKey, preq)
        if (decision?.kind === 'fresh')
          return this.#serve(request, decision, 'HIT', { collapsed: true })
      }
    }
    if (decision?.kind === 'fresh') return this.#serve(request, decision, 'HIT')
    if (decision?.kind === 'stale-while-revalidate') {
      this.#revalidateInBackground(primaryKey, preq, request, cache, forward, decision.entry)
      return this.#serve(request, decision, 'STALE')
    }
    const release = this.#collapser.begin(primaryKey)
    try {
      return await this.#filler.fill({
        request,
        preq,
        primaryKey,
        cache,
        forward,
        stale: decision?.entry,
        release,
      })
    } catch (error) {
      release()
      throw error
    }
  }

  /** Forwards a request around the cache (GRIP retries and next links must reach the origin). */
  bypass(request: Request, forward: Forward): Promise<Response> {
    return this.#filler.bypass(request, forward)
  }

  /** Purges every stored response tagged with one of `keys`. */
  async purge(keys: readonly string[], soft: boolean): Promise<number> {
    if (keys.length === 0) return 0
    this.#fence.purged(keys)
    const { purged } = await this.#deps.store.purge(keys, soft)
    this.stats.purges += 1
    this.stats.purgedObjects += purged
    return purged
  }

  /**
   * The answer `handle` would give a plain GET of `target` (origin-form, as URL parsing
   * leaves it) on `host` with `headers` (lowercase names) when it is a quick hit
   * (quick-hit.ts), without building web Request, Headers or Response objects;
   * `'instruction'` for a fresh GRIP instruction (the gateway's GRIP step must act on it, it
   * is never written to a client as it is); undefined means "take the full path". For a
   * server's front door (Node), where a hit must not pay for the framework around it. The
   * answer comes at once when the store can look up synchronously (`lookupNow`): issue #18's
   * profile of hits showed the promise hops between lookup and write costing more than the
   * lookup.
   */
  quickLookup(
    host: string,
    target: string,
    headers: Record<string, string>
  ): QuickLookup | Promise<QuickLookup> {
    const preq: PolicyRequest = {
      url: target,
      method: 'GET',
      headers: decisionHeaders(headers, this.#mode),
    }
    if (!isPlainGet('GET', preq) || headers.upgrade !== undefined) return undefined
    const now = this.#deps.clock.now()
    const primaryKey = primaryKeyFor(host, target)
    const { store } = this.#deps
    const entries = store.lookupNow?.(primaryKey, now)
    if (entries) return this.#quickAnswer(entries, preq, now)
    return store.lookup(primaryKey, now).then((found) => this.#quickAnswer(found, preq, now))
  }

  #quickAnswer(entries: readonly StoredResponse[], preq: PolicyRequest, now: number): QuickLookup {
    if (entries.length === 0) return undefined
    const entry = matchingEntry(entries, preq)
    // A GRIP instruction is for the gateway's GRIP step, never for the client as it is.
    if (entry && this.#quick.get(entry)?.grip) return 'instruction'
    return this.#quickHit(entry, now, false)?.answer
  }

  /**
   * The quick answer to a plain GET, when the matching entry has one and is fresh; an
   * instruction's only when `grip` allows it.
   */
  #quickHit(
    entry: StoredResponse | undefined,
    now: number,
    grip: boolean
  ): { answer: QuickAnswer; entry: StoredResponse; grip: boolean } | undefined {
    const quick = entry && this.#quick.get(entry)
    if (!quick || (quick.grip && !grip)) return undefined
    const answer = quickHitAnswer(entry, quick, now)
    if (!answer) return undefined
    this.stats.count('HIT')
    return { answer, entry, grip: quick.grip }
  }

  async #lookup(primaryKey: string, preq: PolicyRequest): Promise<ReuseDecision | undefined> {
    const entries = await this.#deps.store.lookup(primaryKey, this.#deps.clock.now())
    return chooseStored(entries, preq, this.#factory)
  }

  #serve(
    request: Request,
    decision: ReuseDecision,
    outcome: CacheOutcome,
    detail: { collapsed?: boolean } = {}
  ): Response {
    this.stats.count(outcome)
    return serveStored(request, decision.entry, decision.policy, outcome, detail)
  }

  #revalidateInBackground(
    primaryKey: string,
    preq: PolicyRequest,
    request: Request,
    cache: RouteCacheConfig,
    forward: Forward,
    stale: StoredResponse
  ): void {
    if (this.#collapser.pending(primaryKey)) return
    const release = this.#collapser.begin(primaryKey)
    const work = this.#filler
      .fill({ request, preq, primaryKey, cache, forward, stale, release, background: true })
      .catch((error: unknown) => {
        release()
        this.#deps.logger.warn('background revalidation failed', {
          key: primaryKey,
          error: String(error),
        })
      })
    this.#deps.waitUntil(work)
  }

  async #unsafe(request: Request, forward: Forward): Promise<Response> {
    const response = await this.#filler.bypass(request, forward)
    // RFC 9111 §4.4: a non-error response to an unsafe method invalidates the target URI
    // and the URIs in Location and Content-Location when they share its origin.
    if (!SAFE_METHODS.has(request.method) && response.status >= 200 && response.status < 400) {
      const url = new URL(request.url)
      const targets = [
        url,
        ...['location', 'content-location'].map((name) =>
          sameOrigin(url, response.headers.get(name))
        ),
      ]
      for (const target of targets) {
        if (target)
          await this.#deps.store.invalidate(`${target.host}${target.pathname}${target.search}`)
      }
    }
    return response
  }

  /** Waits for another request's fetch, at most `collapseWaitMs` on the platform's clock. */
  async #wait(pending: Promise<void>): Promise<void> {
    const limit = this.#deps.collapseWaitMs ?? 30_000
    let cancel = () => {}
    await Promise.race([
      pending,
      new Promise<void>((resolve) => {
        cancel = this.#deps.clock.schedule(limit, resolve)
      }),
    ])
    cancel()
  }
}

/** The method-independent key of a resource: host, path and query. */
function primaryKeyOf(url: URL): string {
  return primaryKeyFor(url.host, `${url.pathname}${url.search}`)
}

/** The same key from a host and an origin-form target as URL parsing leaves them. */
function primaryKeyFor(host: string, target: string): string {
  return `${host}${target}`
}

/**
 * The request as the RFC 9111 decisions see it: cache reuse is for GET (HEAD reads GET
 * entries), and a client's own directives only when `mode` honours them.
 */
function policyRequest(request: Request, url: URL, mode: RequestDirectivesMode): PolicyRequest {
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  headers.host = url.host
  return {
    url: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: decisionHeaders(headers, mode),
  }
}

/** A field name (RFC 9110 §5.1: a token), lowercase. */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/

/**
 * The part of `policyRequest` the quick path reads: the deciding fields and the `Vary` fields
 * of `entries`, each asked for by name. A cached hold is a quick hit, and copying every field
 * of its request (which, on Node, builds web Headers from the IncomingMessage) was a visible
 * part of its cost (issue #15).
 */
function quickPolicyRequest(
  request: Request,
  url: URL,
  mode: RequestDirectivesMode,
  entries: readonly StoredResponse[]
): PolicyRequest {
  const headers: Record<string, string> = {}
  const take = (name: string) => {
    // No request field has a name that is not a token (Headers would throw on asking).
    if (!FIELD_NAME.test(name)) return
    const value = name === 'host' ? url.host : request.headers.get(name)
    if (value !== null) headers[name] = value
  }
  for (const name of DECIDING_REQUEST_FIELDS) take(name)
  for (const entry of entries) {
    const vary = entry.policy.resh.vary
    if (vary) for (const name of vary.toLowerCase().split(',')) take(name.trim())
  }
  return {
    url: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: decisionHeaders(headers, mode),
  }
}

/** A request that insists on the origin cannot take another request's answer. */
function collapsible(preq: PolicyRequest): boolean {
  const cc = preq.headers['cache-control'] ?? ''
  return !/no-cache|max-age=0|no-store/.test(cc) && !/no-cache/.test(preq.headers.pragma ?? '')
}

function hasUpgrade(request: Request): boolean {
  return request.headers.has('upgrade')
}

function sameOrigin(base: URL, value: string | null): URL | undefined {
  if (!value) return undefined
  try {
    const target = new URL(value, base)
    return target.origin === base.origin ? target : undefined
  } catch {
    return undefined
  }
}
