/**
 * A pull cache over a MemoryStore (or a store the test gives), a FakeClock and a MemoryOrigin,
 * with helpers to send requests through it and read the answers: shared by the pull-cache
 * tests.
 */
import { MemoryStore } from '../../src/cache/memory-store.ts'
import { PullCache } from '../../src/cache/pull-cache.ts'
import type {
  OriginConfig,
  RequestDirectivesMode,
  RouteCacheConfig,
} from '../../src/config/types.ts'
import { forwarderFor } from '../../src/proxy/forward.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { FakeClock } from '../fakes/fake-clock.ts'
import { MemoryOrigin, type OriginHandler } from '../fakes/memory-origin.ts'

const ORIGIN: OriginConfig = { url: 'http://origin.test', timeoutMs: 1000 }
const SECOND = 1000

/** A client response, read whole. */
export interface Answer {
  status: number
  body: string
  headers: Headers
  xCache: string | null
  cacheStatus: string | null
}

/** A promise the test resolves when it wants to. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

export interface HarnessOptions {
  maxObjectBytes?: number
  /** Default: the gateway's default, `ignore`. */
  requestDirectives?: RequestDirectivesMode
  /** Default: a 4 MiB MemoryStore; a test may give one of its fakes (faulty-store.ts). */
  store?: MemoryStore
  /** Where the FakeClock starts (default its EPOCH). */
  startAt?: number
  /** Default: the pull cache's own (30 s). */
  collapseWaitMs?: number
}

/** A pull cache over a MemoryStore, a FakeClock and a MemoryOrigin answering with `handler`. */
export function harness(handler: OriginHandler, options: HarnessOptions = {}) {
  const clock = new FakeClock(options.startAt)
  const store =
    options.store ?? new MemoryStore({ maxBytes: 4 * 1024 * 1024, maxObjectBytes: 1024 * 1024 })
  const logger = new CaptureLogger()
  const background: Promise<unknown>[] = []
  const origin = new MemoryOrigin(handler)
  const cache = new PullCache({
    store,
    clock,
    logger,
    waitUntil: (work) => {
      background.push(work)
    },
    maxObjectBytes: options.maxObjectBytes ?? 16 * 1024,
    ...(options.requestDirectives ? { requestDirectives: options.requestDirectives } : {}),
    ...(options.collapseWaitMs ? { collapseWaitMs: options.collapseWaitMs } : {}),
  })

  /** Starts a request through the cache; the response body is not read. */
  const start = (path: string, init: RequestInit = {}, route: RouteCacheConfig = 'origin') => {
    const url = path.startsWith('http') ? path : `http://gw.test${path}`
    const request = new Request(url, init)
    return cache.handle(request, route, forwarderFor(origin, ORIGIN, request))
  }

  /** Awaits every `waitUntil` promise, including those added while waiting. */
  const settle = async () => {
    while (background.length > 0) await Promise.all(background.splice(0))
  }

  const read = async (response: Response): Promise<Answer> => ({
    status: response.status,
    body: await response.text(),
    headers: response.headers,
    xCache: response.headers.get('x-cache'),
    cacheStatus: response.headers.get('cache-status'),
  })

  /** One request through the cache, body read, background work finished. */
  const send = async (path: string, init: RequestInit = {}, route: RouteCacheConfig = 'origin') => {
    const answer = await read(await start(path, init, route))
    await settle()
    return answer
  }

  /** Moves the clock forward by `seconds`. */
  const advance = (seconds: number) => clock.advance(seconds * SECOND)

  return { clock, store, logger, origin, cache, background, start, settle, read, send, advance }
}

/** An origin resource: `body` with `headers`, or 304 when the request's validators match. */
export function resource(headers: Record<string, string>, body = 'hello'): OriginHandler {
  return (request) => {
    const etag = headers.etag
    const inm = request.headers.get('if-none-match')
    const ims = request.headers.get('if-modified-since')
    if ((etag && inm?.includes(etag)) || (!etag && ims && ims === headers['last-modified'])) {
      const { 'content-length': _, ...rest } = headers
      return new Response(null, { status: 304, headers: rest })
    }
    return new Response(body, { headers })
  }
}
