/**
 * In-process harness for the GRIP engine's unit tests: a hub on a FakeClock, a scripted
 * MemoryOrigin reached the way the gateway reaches it (forwarderFor + prepareGripHeaders,
 * without the cache), and readers that collect a streamed body as the session writes it.
 * Nothing here waits on real time; `settle()` only lets pending promises run.
 */
import type {
  GripConfig,
  HistoryConfig,
  LimitsConfig,
  OriginConfig,
} from '../../src/config/types.ts'
import type { LastIds, SendToOrigin } from '../../src/fanout.ts'
import { type Instruct, parseInstruct } from '../../src/grip/instruct.ts'
import { prepareGripHeaders } from '../../src/grip/origin-request.ts'
import { type PublishItem, parsePublishBody } from '../../src/grip/publish-item.ts'
import { memoryHubHistory } from '../../src/history/hub-history.ts'
import { EmbeddedFanout } from '../../src/hub/embedded-fanout.ts'
import { forwarderFor } from '../../src/proxy/forward.ts'
import { proxyWithGrip } from '../../src/proxy/grip-proxy.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { FakeClock } from '../fakes/fake-clock.ts'
import { MemoryOrigin } from '../fakes/memory-origin.ts'

/** Generous limits; tests narrow one at a time. */
export const LIMITS: LimitsConfig = {
  maxConnections: 100,
  subscriptionsPerConnection: 20,
  subscriberQueueBytes: 1024 * 1024,
  wsMessageBytes: 1024 * 1024,
  wsQueueBytes: 1024 * 1024,
}

/** Grip-Sig settings for tests that ask the harness to sign. */
export const GRIP: GripConfig = { key: 'changeme', iss: 'gripgate' }

const ORIGIN: OriginConfig = { url: 'http://origin.test', timeoutMs: 1000 }
const SECOND = 1000

/** Milliseconds in `n` seconds. */
export const seconds = (n: number) => n * SECOND

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Lets every pending promise chain run. No timer is involved: the harness signs no Grip-Sig
 * unless asked (WebCrypto completes on a thread pool, in no fixed number of turns).
 */
export async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await turn()
}

/** Lets promise chains run until `done()` holds; for steps that wait on WebCrypto. */
export async function until(done: () => boolean, maxTurns = 10_000): Promise<void> {
  for (let i = 0; i < maxTurns && !done(); i++) await turn()
  if (!done()) throw new Error('condition never held')
  await settle()
}

/** A history section: 100 items for 300 s per channel unless given. */
export const historyConfig = (fields: Partial<HistoryConfig> = {}): HistoryConfig => ({
  size: 100,
  ttlSeconds: 300,
  maxChannels: 1_000,
  channels: {},
  ...fields,
})

/** A hub over a FakeClock and a CaptureLogger; with `history`, a memory history too. */
export function hubHarness(limits: Partial<LimitsConfig> = {}, history?: HistoryConfig) {
  const clock = new FakeClock()
  const logger = new CaptureLogger()
  const tier = new EmbeddedFanout({
    clock,
    logger,
    limits: { ...LIMITS, ...limits },
    history: memoryHubHistory(history, clock),
  })
  return { clock, logger, hub: tier.hub, tier }
}

/** Items as the publish endpoint parses them; throws on a bad one. */
export function items(...raw: unknown[]): PublishItem[] {
  const parsed = parsePublishBody({ items: raw })
  if (!parsed.ok) throw new Error(`bad publish item: ${JSON.stringify(parsed.error)}`)
  return parsed.value
}

/** A parsed instruction from origin headers; throws when it does not parse. */
export function instructOf(
  headers: Record<string, string>,
  body: string | Uint8Array = '',
  status = 200
): Instruct {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  const parsed = parseInstruct(status, new Headers(headers), bytes)
  if (!parsed.ok) throw new Error(`bad instruction: ${parsed.error}`)
  return parsed.value
}

/** Response headers; an undefined value leaves the header out (handy in test tables). */
export type HeaderTable = Record<string, string | undefined> | [string, string][]

/** An origin answer: status 200 unless given. */
export function answer(headers: HeaderTable, body: BodyInit | null = '', status = 200): Response {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers)
  const init = entries.filter((entry): entry is [string, string] => entry[1] !== undefined)
  return new Response(body, { status, headers: init })
}

/** A request as the scripted origin received it, body read whole. */
export interface Received {
  method: string
  /** Path and query. */
  path: string
  headers: Headers
  body: string
}

/** Answers the n-th (0-based) origin request. */
export type Script = (request: Received, n: number) => Response | Promise<Response>

/** One call of `send`, as grip-proxy made it. */
export interface SendCall {
  method: string
  url: string
  lastIds: LastIds
  direct: boolean
}

/**
 * A hub, a scripted origin and `proxyWithGrip` wired as the gateway wires them. Origin
 * requests carry a Grip-Sig only when `grip` is given.
 */
export function gripHarness(
  script: Script,
  options: { limits?: Partial<LimitsConfig>; grip?: GripConfig; history?: HistoryConfig } = {}
) {
  const base = hubHarness(options.limits, options.history)
  const received: Received[] = []
  const calls: SendCall[] = []
  const origin = new MemoryOrigin(async (request) => {
    const url = new URL(request.url)
    const got: Received = {
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
      body: await request.text(),
    }
    received.push(got)
    return script(got, received.length - 1)
  })
  const send: SendToOrigin = (request, { lastIds, direct }) => {
    calls.push({ method: request.method, url: request.url, lastIds: lastIds ?? {}, direct })
    const forward = forwarderFor(origin, ORIGIN, request, (headers) =>
      prepareGripHeaders(headers, options.grip, base.clock.now(), lastIds)
    )
    return forward({ method: request.method, headers: request.headers, body: request.body })
  }
  /** Runs a client request through the GRIP proxy. */
  const request = (path: string, init: RequestInit = {}) =>
    proxyWithGrip(new Request(`http://gw.test${path}`, init), send, base.tier)
  /** Publishes items given in the publish JSON form. */
  const publish = (...raw: unknown[]) => base.hub.publish(items(...raw))
  /** Current subscription count, from the stats snapshot. */
  const subscriptions = () => base.hub.snapshot().subscriptions as number
  return { ...base, origin, received, calls, send, request, publish, subscriptions }
}

/** A promise plus whether it has settled yet, for holds that must stay pending. */
export function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false }
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error) => Object.assign(state, { settled: true, error })
  )
  return state
}

/** Collects a response body as it is written; `text`/`bytes` show what arrived so far. */
export function collect(response: Response) {
  const body = response.body
  if (!body) throw new Error('the response has no body')
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  const state = { ended: false, error: undefined as unknown }
  const done = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(value)
      }
    } catch (error) {
      state.error = error
    }
    state.ended = true
  })()
  const bytes = () => {
    const out = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0))
    let offset = 0
    for (const chunk of chunks) {
      out.set(chunk, offset)
      offset += chunk.byteLength
    }
    return out
  }
  return {
    bytes,
    get text() {
      return new TextDecoder().decode(bytes())
    },
    get ended() {
      return state.ended
    },
    get error() {
      return state.error
    },
    chunks,
    done,
    /** The client goes away. */
    cancel: () => reader.cancel(),
  }
}
