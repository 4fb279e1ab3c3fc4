/**
 * Going to the origin for the pull cache: misses, revalidations (a 304 refreshes the
 * stored response, RFC 9111 §4.3.4), stale-if-error, and passing requests around the cache.
 * @module
 */
import type { RequestDirectivesMode, RouteCacheConfig } from '../config/types.ts'
import { CONDITIONAL_FIELDS } from '../http/conditional.ts'
import { toRecord, withoutHopByHop } from '../http/headers.ts'
import { type WholeBody, wholeBodyOf, wholeBodyResponse } from '../http/whole-body.ts'
import type { Clock, Logger, WaitUntil } from '../platform.ts'
import { edgeView, statusForPolicy } from './edge-view.ts'
import {
  mayServeStaleOnError,
  type PolicyFactory,
  type PolicyRequest,
  variantKeyFor,
} from './freshness.ts'
import type { PurgeFence } from './purge-fence.ts'
import { decisionHeaders } from './request-directives.ts'
import {
  answerConditional,
  markOutcome,
  serveStored,
  stripEdgeOnly,
  teeToBuffer,
} from './respond.ts'
import type { CacheStats } from './stats.ts'
import type { CacheStore, FillMark, StoredResponse } from './store.ts'
import { buildEntry, isWorthStoring, refreshEntry } from './stored-entry.ts'

/** Sends a request to the route's origin; rejects when the origin is unreachable or slow. */
export type Forward = (init: {
  method: string
  headers: Headers
  body?: ReadableStream<Uint8Array> | null
  /** How a readthrough cache in the platform's fetch may keep the answer (`OriginHints`). */
  cache?: RouteCacheConfig
}) => Promise<Response>

/** One trip to the origin on behalf of the cache. */
export interface FillRequest {
  request: Request
  preq: PolicyRequest
  primaryKey: string
  cache: RouteCacheConfig
  forward: Forward
  /** The stored entry being revalidated, if any. */
  stale?: StoredResponse
  /** Frees requests collapsed onto this one; called once the outcome is known. */
  release: () => void
  /** A stale-while-revalidate refresh: nobody reads the body, so it is drained. */
  background?: boolean
}

/** A fill under way: its request, the core fence's start, and the store's mark. */
interface FillJob extends FillRequest {
  fenceStart: number
  mark?: FillMark
}

interface FillerDeps {
  store: CacheStore
  clock: Clock
  logger: Logger
  waitUntil: WaitUntil
  maxObjectBytes: number
  /** Whether the client's Cache-Control / Pragma count when storing (request-directives.ts). */
  requestDirectives?: RequestDirectivesMode
}

/** Fetches from the origin and fills the store. */
export class Filler {
  constructor(
    private readonly deps: FillerDeps,
    private readonly factory: PolicyFactory,
    private readonly stats: CacheStats,
    private readonly fence: PurgeFence
  ) {}

  /** Forwards a request around the cache, as is. */
  async bypass(request: Request, forward: Forward): Promise<Response> {
    const response = await forward({
      method: request.method,
      headers: request.headers,
      body: hasNoBody(request.method) ? null : request.body,
    })
    this.stats.count('BYPASS')
    const headers = markOutcome(stripEdgeOnly(withoutHopByHop(response.headers)), 'BYPASS')
    const whole = wholeBodyOf(response)
    return answerOver(response, headers, whole ? null : response.body, whole)
  }

  /** A miss or a revalidation: asks the origin, then stores and answers. */
  async fill(request: FillRequest): Promise<Response> {
    // Every fill is fenced: its outcome may only be stored if no purge of its keys happened
    // since it started. The fence is released with the collapsed waiters, exactly once.
    const fenceStart = this.fence.begin()
    let ended = false
    const job: FillJob = {
      ...request,
      fenceStart,
      release: () => {
        if (!ended) {
          ended = true
          this.fence.end(fenceStart)
        }
        request.release()
      },
    }
    try {
      // The store's own fence (shared stores, FillMark): taken before the origin is asked.
      if (this.deps.store.beginFill) job.mark = await this.deps.store.beginFill()
      return await this.#fill(job)
    } catch (error) {
      job.release()
      throw error
    }
  }

  async #fill(job: FillJob): Promise<Response> {
    const headers = new Headers(job.request.headers)
    for (const name of [...CONDITIONAL_FIELDS, 'range']) headers.delete(name)
    // The forwarded request keeps the client's directives; the storing decision reads them
    // only when they are honoured (a client's `no-store` must not keep a shared entry out).
    const mode = this.deps.requestDirectives ?? 'ignore'
    const preq: PolicyRequest = { ...job.preq, headers: decisionHeaders(toRecord(headers), mode) }
    preq.headers.host = job.preq.headers.host ?? ''
    const stalePolicy = job.stale ? this.factory.restore(job.stale) : undefined
    if (stalePolicy) {
      const validators = stalePolicy.revalidationHeaders(preq)
      for (const name of ['if-none-match', 'if-modified-since'] as const) {
        const value = validators[name]
        if (value) headers.set(name, value)
      }
    }

    let response: Response
    try {
      response = await job.forward({ method: 'GET', headers })
    } catch (error) {
      // A background refresh has nobody to answer: let the failure be logged instead.
      if (
        !job.background &&
        job.stale &&
        stalePolicy &&
        mayServeStaleOnError(job.stale, stalePolicy, true)
      ) {
        job.release()
        this.stats.count('STALE')
        return serveStored(job.request, job.stale, stalePolicy, 'STALE', {})
      }
      throw error
    }

    if (job.stale && stalePolicy) {
      if (response.status >= 500 && mayServeStaleOnError(job.stale, stalePolicy)) {
        await response.body?.cancel()
        job.release()
        this.stats.count('STALE')
        return serveStored(job.request, job.stale, stalePolicy, 'STALE', {
          fwdStatus: response.status,
        })
      }
      if (response.status === 304) {
        const refreshed = refreshEntry(
          job.stale,
          preq,
          response,
          job.cache,
          this.factory,
          this.deps.clock.now()
        )
        if (refreshed) {
          // Fenced or not stored, the refreshed entry still answers this request (as a miss does).
          if (!this.fence.allows(job.fenceStart, refreshed.surrogateKeys)) this.stats.fenced += 1
          else await this.deps.store.put(refreshed, job.mark).catch(this.#storeFailed)
          job.release()
          this.stats.count('REVALIDATED')
          return serveStored(
            job.request,
            refreshed,
            this.factory.restore(refreshed),
            'REVALIDATED',
            {
              fwdStatus: 304,
            }
          )
        }
        // The 304 names another representation: ask again for the whole response.
        return this.#fill({ ...job, stale: undefined })
      }
    }
    return this.#storeAndAnswer(job, preq, response)
  }

  #storeAndAnswer(job: FillJob, preq: PolicyRequest, origin: Response): Response {
    const headers = withoutHopByHop(origin.headers)
    if (!headers.has('date')) headers.set('date', new Date(this.deps.clock.now()).toUTCString())
    const record = toRecord(headers)
    const view = edgeView(record, job.cache, this.deps.clock.now())
    const policy = this.factory.create(preq, {
      status: statusForPolicy(origin.status, view.policyHeaders),
      headers: view.policyHeaders,
    })
    const length = Number(headers.get('content-length') ?? Number.NaN)
    const storable =
      isWorthStoring(policy, view, headers) &&
      policy.storable() &&
      variantKeyFor(job.primaryKey, record.vary, preq) !== null &&
      !(length > this.deps.maxObjectBytes)

    const clientHeaders = markOutcome(stripEdgeOnly(new Headers(headers)), 'MISS', {
      stored: storable,
      fwdStatus: origin.status,
    })
    this.stats.count('MISS')
    // Not kept and already whole (whole-body.ts): the bytes go on as they are.
    const whole = storable ? undefined : wholeBodyOf(origin)
    let body: ReadableStream<Uint8Array> | null = whole ? null : origin.body
    if (!storable) job.release()
    else if (!body) void this.#put(job, origin.status, headers, new Uint8Array(0), policy, view)
    else {
      // The body ends only once the entry is stored (teeToBuffer waits for the promise): a
      // client that read a MISS to its end and then purges or publishes always finds the
      // entry, on a store whose writes outlast the response (Workers) as on one in memory.
      body = body.pipeThrough(
        teeToBuffer(
          this.deps.maxObjectBytes,
          (bytes) => {
            if (bytes) return this.#put(job, origin.status, headers, bytes, policy, view)
            job.release()
          },
          Number.isSafeInteger(length) ? length : undefined
        )
      )
    }

    const response = answerOver(origin, clientHeaders, body, whole)
    const answer =
      job.request.method === 'HEAD'
        ? withoutBody(response)
        : answerConditional(job.request, response)
    // Whoever does not read the body still has to pull it through, or it is never stored.
    if (answer !== response || job.background) this.deps.waitUntil(drain(body))
    return answer
  }

  /** Stores what a fill fetched, unless fenced; resolves when the store is done (never rejects). */
  #put(
    job: FillJob,
    status: number,
    headers: Headers,
    body: Uint8Array,
    policy: ReturnType<PolicyFactory['create']>,
    view: ReturnType<typeof edgeView>
  ): Promise<void> {
    const entry = buildEntry({
      primaryKey: job.primaryKey,
      preq: job.preq,
      status,
      headers,
      body,
      policy,
      view,
      now: this.deps.clock.now(),
    })
    if (!this.fence.allows(job.fenceStart, entry.surrogateKeys)) {
      // Fetched before a purge of one of its keys: it answered its request, but is not kept.
      this.stats.fenced += 1
      job.release()
      return Promise.resolve()
    }
    this.stats.stores += 1
    return this.deps.store.put(entry, job.mark).catch(this.#storeFailed).finally(job.release)
  }

  /** A store that failed to keep an entry costs the client nothing: it is logged. */
  readonly #storeFailed = (error: unknown): void => {
    this.deps.logger.warn('cache store failed', { error: String(error) })
  }
}

function withoutBody(response: Response): Response {
  return new Response(null, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}

async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) return
  try {
    await body.pipeTo(new WritableStream())
  } catch {
    // The origin went away mid-body: nothing is stored, which is the right outcome.
  }
}

/**
 * GET and HEAD carry no body here (RFC 9110 §9.3.1): not even asking for one keeps Node's
 * lightweight server Request from building a full Request behind it.
 */
function hasNoBody(method: string): boolean {
  return method === 'GET' || method === 'HEAD'
}

/**
 * The client's answer to an origin's: its status with `headers`, over the origin's bytes as they
 * are when it was whole (whole-body.ts), else over `body`.
 */
function answerOver(
  origin: Response,
  headers: Headers,
  body: ReadableStream<Uint8Array> | null,
  whole: WholeBody | undefined
): Response {
  if (whole) return wholeBodyResponse(origin.status, headers, whole)
  return new Response(body, { status: origin.status, statusText: origin.statusText, headers })
}
