/**
 * A stream hold (HTTP streaming, SSE; GRIP.md §5, §6, §9.3): the instruction's body first,
 * then every published `http-stream` content as is, keep-alives while quiet, and recovery
 * through the next link when a prev-id gap shows or the channels stay idle.
 * @module
 */
import type { OriginAgain } from '../fanout.ts'
import { clientHead, isSendableStatus, toResponse } from '../grip/client-response.ts'
import type { PublishItem } from '../grip/publish-item.ts'
import type { Instruct } from '../grip/types.ts'
import { type HeldStreamOpener, type StreamSink, webHeldStream } from '../held-stream.ts'
import { lastEventIdOf, type ResumePoint, resumePoints } from '../history/resume.ts'
import type { HistoryLookup } from '../history/store.ts'
import { concatBytes } from '../http/bytes.ts'
import { doNothing } from '../timers.ts'
import type { Hub } from './hub.ts'
import { followLink, type LinkOutcome } from './link-follow.ts'
import { idsOf } from './resume-wait.ts'
import type { Subscriber } from './subscriber.ts'

/** Statuses whose responses never carry a body (RFC 9110 §6.4.1). */
const NULL_BODY = new Set([204, 205, 304])

/** Items queued while a next link is being fetched (Pushpin's session queue size). */
const MAX_QUEUED_ITEMS = 100

/**
 * A history lookup's items joined into one chunk, by lookup: the history answers every
 * subscriber resuming from the same point with the same array while nothing is published
 * (memory-store.ts), so a storm joins (and the platform frames) it once, not once each.
 */
const joined = new WeakMap<readonly PublishItem[], Uint8Array>()

function joinOnce(items: readonly PublishItem[], parts: readonly Uint8Array[]): Uint8Array {
  let bytes = joined.get(items)
  if (!bytes) {
    bytes = concatBytes(parts)
    joined.set(items, bytes)
  }
  return bytes
}

/** A lookup's ids, by lookup: shared like `joined`, and never modified. */
const lookupIds = new WeakMap<readonly PublishItem[], Set<string>>()

function idsOnce(items: readonly PublishItem[]): ReadonlySet<string> {
  let ids = lookupIds.get(items)
  if (!ids) {
    ids = idsOf(items)
    lookupIds.set(items, ids)
  }
  return ids
}

/** One held stream. */
export class StreamSession implements Subscriber {
  readonly transport = 'stream' as const
  readonly #hub: Hub
  readonly #origin: OriginAgain
  /** The client's URL, kept as text: parsed only when a next link must be resolved. */
  readonly #requestUrl: string
  /**
   * What the session still needs of its current instruction. The rest (response headers,
   * body, meta) is written once at the start and not kept: held connections are many.
   */
  #plan: Pick<Instruct, 'hold' | 'keepAlive' | 'nextLink'>
  /** The first instruction until the response starts. */
  #initial: Instruct | undefined
  /** channel → the id last written for it, when the origin uses prev-ids. */
  #prevIds = new Map<string, string | undefined>()
  #sink!: StreamSink
  #lastWriteAt: number
  #lastItemAt: number
  #cancelKeepAlive: () => void = doNothing
  #cancelRecovery: () => void = doNothing
  /** Set while a next link is in flight: items wait here. */
  #queue: Array<[PublishItem, string]> | undefined
  /**
   * Aborts the next link in flight when the session closes. The session's own, made per
   * fetch: the client's Request (and its signal) is not kept while held (issue #18).
   */
  #linkAbort: AbortController | undefined
  #closed = false

  constructor(hub: Hub, instruct: Instruct, origin: OriginAgain, client: Request) {
    this.#hub = hub
    this.#plan = instruct
    this.#initial = instruct
    this.#origin = origin
    this.#requestUrl = client.url
    this.#lastWriteAt = hub.clock.now()
    this.#lastItemAt = this.#lastWriteAt
  }

  /**
   * The client's response: headers now, the body as the session writes it, through
   * `opener` when the platform has one for this request.
   */
  start(client: Request, opener?: HeldStreamOpener): Response {
    const instruct = this.#initial
    if (!instruct) throw new Error('stream session already started')
    this.#initial = undefined
    this.#hub.track(this)
    // A status no Response can carry is answered 502 whole (toResponse), never held open.
    if (!isSendableStatus(instruct.response.code)) {
      this.#close(false)
      return toResponse(instruct.response, client.method)
    }
    const init = clientHead(instruct.response)
    // A HEAD, 204, 205 or 304 response has no body to stream: hold nothing (nor leak the slot).
    if (client.method === 'HEAD' || NULL_BODY.has(init.status)) {
      this.#close(false)
      return new Response(null, init)
    }
    const onAbort = () => this.#close(false)
    const held = opener?.open(client, init, onAbort) ?? webHeldStream(init, onAbort)
    this.#sink = held.sink
    if (instruct.response.body.byteLength > 0) this.#sink.write(instruct.response.body)
    this.#arm(instruct)
    const resume =
      this.#hub.hasHistory && instruct.hold === 'stream' && !this.#closed
        ? resumePoints(this.#prevIds, (channel) => this.#hub.lastId(channel), lastEventIdOf(client))
        : []
    if (resume.length > 0) this.#resume(resume)
    else if (instruct.hold === 'none' || this.#isBehind()) this.#fetchNext()
    return held.response
  }

  /** Ends the stream cleanly. */
  shutdown(): void {
    this.#close(true)
  }

  deliver(item: PublishItem, channel: string): void {
    const format = item.formats['http-stream']
    if (this.#closed || !format) return
    if (this.#queue) {
      if (this.#queue.length < MAX_QUEUED_ITEMS) this.#queue.push([item, channel])
      return
    }
    this.#lastItemAt = this.#hub.clock.now()
    const prevId = this.#prevIds.get(channel)
    if (prevId !== undefined && item.prevId !== undefined && item.prevId !== prevId) {
      // A gap: what the client has is behind the channel. Recover through the next link.
      this.#hub.forgetLastId(channel)
      this.#fetchNext()
      return
    }
    if (prevId !== undefined && item.id !== undefined) this.#prevIds.set(channel, item.id)
    if (format.action === 'close') this.#close(true)
    else if (format.action === 'hint') this.#fetchNext()
    else this.#write(format.content)
  }

  /**
   * Whether the instruction's prev-ids are already behind what was published, e.g. a hold
   * served from the edge cache after newer items went out: the stream then recovers through
   * its next link at once, so the client misses nothing (publish-and-purge contract 6).
   */
  #isBehind(): boolean {
    for (const [channel, prevId] of this.#prevIds) {
      const last = this.#hub.lastId(channel)
      if (prevId !== undefined && last !== undefined && last !== prevId) return true
    }
    return false
  }

  /**
   * Resumes from the channel history (issue #15): live items wait in the queue while the
   * history is read, then the items after each resume point are written in order, then the
   * queued items that history did not already deliver. A declared prev-id the history does
   * not know falls back to next-link recovery, exactly as without history; an unknown
   * Last-Event-ID resumes nothing (the instruction is all the client gets, as today).
   */
  #resume(points: readonly ResumePoint[]): void {
    this.#queue = []
    const lookups = points.map((point) => this.#hub.historyAfter(point.channel, point.from))
    void Promise.all(lookups).then((found) => this.#afterResume(points, found))
  }

  #afterResume(points: readonly ResumePoint[], found: readonly HistoryLookup[]): void {
    const queued = this.#queue ?? []
    this.#queue = undefined
    if (this.#closed) return
    if (points.some((point, i) => point.declared && found[i] === 'unknown')) {
      this.#fetchNext()
      if (this.#queue) (this.#queue as Array<[PublishItem, string]>).push(...queued)
      else for (const [item, channel] of queued) this.deliver(item, channel)
      return
    }
    /** channel → ids written from history: the same item arriving live is not written again. */
    const written = new Map<string, ReadonlySet<string>>()
    let count = 0
    for (const [i, point] of points.entries()) {
      const items = found[i]
      if (items === undefined || items === 'unknown') continue
      written.set(point.channel, idsOnce(items))
      count += this.#fromHistory(items, point.channel)
    }
    if (count > 0) this.#hub.countResume(count)
    for (const [item, channel] of queued) {
      if (item.id === undefined || !written.get(channel)?.has(item.id)) this.deliver(item, channel)
    }
  }

  /**
   * Writes items from history, in the history's order (the release order, so no prev-id check
   * applies) and as one chunk: a storm resumes thousands of subscribers, each with the same
   * items. A hint is not replayed (it asked for an origin fetch back then); a close ends the
   * stream after what came before it. Answers how many items were taken.
   */
  #fromHistory(items: readonly PublishItem[], channel: string): number {
    const parts: Uint8Array[] = []
    let count = 0
    let close = false
    for (const item of items) {
      const format = item.formats['http-stream']
      if (!format || format.action === 'hint') continue
      count += 1
      if (this.#prevIds.get(channel) !== undefined && item.id !== undefined)
        this.#prevIds.set(channel, item.id)
      if (format.action === 'close') {
        close = true
        break
      }
      parts.push(format.content)
    }
    if (count > 0) this.#lastItemAt = this.#hub.clock.now()
    // One item keeps its own array, whose chunk frame the platform may share with others.
    if (parts.length === 1) this.#write(parts[0]!)
    // The parts depend on `items` alone, so the join is shared by every hold handed them.
    else if (parts.length > 1) this.#write(joinOnce(items, parts))
    if (close) this.#close(true)
    return count
  }

  /** Subscribes to an instruction's channels and starts its timers. */
  #arm(instruct: Instruct): void {
    this.#plan = { hold: instruct.hold, keepAlive: instruct.keepAlive, nextLink: instruct.nextLink }
    const next = new Map(instruct.channels.map((channel) => [channel.name, channel.prevId]))
    for (const channel of this.#prevIds.keys())
      if (!next.has(channel)) this.#hub.unsubscribe(channel, this)
    for (const channel of next.keys()) this.#hub.subscribe(channel, this)
    this.#prevIds = next
    // A stream that relies on prev-ids without a recovery link cannot recover a gap (§9.3).
    if (
      instruct.hold === 'stream' &&
      !instruct.nextLink &&
      [...next.values()].some((id) => id !== undefined)
    ) {
      this.#hub.logger.warn('stream hold with prev-id but no next link; closing', {
        url: this.#requestUrl,
      })
      this.#close(true)
      return
    }
    this.#scheduleKeepAlive()
    this.#scheduleRecovery()
  }

  #write(bytes: Uint8Array): void {
    if (this.#closed) return
    this.#sink.write(bytes)
    this.#lastWriteAt = this.#hub.clock.now()
    const buffered = this.#sink.buffered()
    if (buffered > this.#hub.limits.subscriberQueueBytes) {
      // The client reads slower than the channel publishes: drop it rather than buffer without
      // bound. Destroyed, not ended: the end would wait behind the backlog, and the connection
      // with it, uncounted (issue #12).
      this.#hub.countDrop()
      this.#hub.logger.warn('slow subscriber dropped', { transport: 'stream', buffered })
      this.#close(false)
      this.#sink.destroy()
    }
  }

  /**
   * Keep-alives without per-message timer churn: the timer fires once per period and, in idle
   * mode, sleeps again for the rest of the period when something was written meanwhile.
   */
  #scheduleKeepAlive(): void {
    this.#cancelKeepAlive()
    const keepAlive = this.#plan.keepAlive
    if (!keepAlive || this.#closed) return
    this.#cancelKeepAlive = this.#hub.clock.schedule(
      keepAlive.timeoutSec * 1000,
      this.#keepAliveDue
    )
  }

  /**
   * The keep-alive timer's callback: one function per session, made once, reading the plan
   * when it fires (a closure per period over the plan was kept by every held stream between
   * keep-alives; issue #18, the SSE heap diff).
   */
  readonly #keepAliveDue = (): void => {
    const keepAlive = this.#plan.keepAlive
    if (!keepAlive || this.#closed) return
    const periodMs = keepAlive.timeoutSec * 1000
    const quietMs = this.#hub.clock.now() - this.#lastWriteAt
    let delayMs = periodMs
    if (keepAlive.mode === 'idle' && quietMs < periodMs) delayMs = periodMs - quietMs
    else this.#write(keepAlive.data)
    if (!this.#closed) this.#cancelKeepAlive = this.#hub.clock.schedule(delayMs, this.#keepAliveDue)
  }

  /** Fetches the next link after `timeout` seconds without any item on every channel (§6.3). */
  #scheduleRecovery(): void {
    this.#cancelRecovery()
    const link = this.#plan.nextLink
    if (!link || this.#plan.hold !== 'stream' || this.#closed) return
    const periodMs = link.timeoutSec * 1000
    const tick = (delayMs: number) => {
      this.#cancelRecovery = this.#hub.clock.schedule(delayMs, () => {
        const idleMs = this.#hub.clock.now() - this.#lastItemAt
        if (idleMs < periodMs) return tick(periodMs - idleMs)
        this.#fetchNext()
      })
    }
    tick(periodMs)
  }

  /** Follows the next link: appends its body and takes over its instruction. */
  #fetchNext(): void {
    const link = this.#plan.nextLink
    if (this.#closed || this.#queue || !link) return
    this.#queue = []
    this.#cancelRecovery()
    const lastIds: Record<string, string> = {}
    for (const [channel, id] of this.#prevIds) if (id !== undefined) lastIds[channel] = id
    const url = new URL(link.url, this.#requestUrl)
    const abort = new AbortController()
    this.#linkAbort = abort
    followLink(this.#origin, url, lastIds, abort.signal).then((outcome) => this.#afterLink(outcome))
  }

  #afterLink(outcome: LinkOutcome): void {
    const queued = this.#queue ?? []
    this.#queue = undefined
    this.#linkAbort = undefined
    if (this.#closed) return
    if (outcome.kind === 'failed') {
      this.#hub.logger.warn('next link failed; ending stream', {
        url: this.#requestUrl,
        reason: outcome.reason,
      })
      this.#close(true)
      return
    }
    if (outcome.body.byteLength > 0) this.#write(outcome.body)
    if (outcome.kind === 'end') {
      this.#close(true)
      return
    }
    this.#lastItemAt = this.#hub.clock.now()
    this.#arm(outcome.instruct)
    if (outcome.instruct.hold === 'none') this.#fetchNext()
    // The link's channels replace the old set (§6.1): items of a dropped channel are stale.
    for (const [item, channel] of queued)
      if (this.#prevIds.has(channel)) this.deliver(item, channel)
  }

  #close(endBody: boolean): void {
    if (this.#closed) return
    this.#closed = true
    this.#cancelKeepAlive()
    this.#cancelRecovery()
    this.#linkAbort?.abort()
    for (const channel of this.#prevIds.keys()) this.#hub.unsubscribe(channel, this)
    this.#hub.closeConnection('stream')
    this.#hub.untrack(this)
    if (endBody) this.#sink.end()
  }
}
