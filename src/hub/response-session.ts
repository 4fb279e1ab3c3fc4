/**
 * A response hold (long-poll, GRIP.md §4): answered once, by a published `http-response`,
 * by the origin again (hint, prev-id gap), or with the stored response at timeout.
 * @module
 */
import type { LastIds, OriginAgain } from '../fanout.ts'
import { publishedResponse, toResponse } from '../grip/client-response.ts'
import type { PublishItem } from '../grip/publish-item.ts'
import type { Instruct } from '../grip/types.ts'
import { doNothing } from '../timers.ts'
import type { Hub } from './hub.ts'
import type { Subscriber } from './subscriber.ts'

/** One held long-poll. */
export class ResponseSession implements Subscriber {
  readonly transport = 'response' as const
  /** Settles with the client's response; never rejects. */
  readonly result: Promise<Response>
  readonly #hub: Hub
  readonly #instruct: Instruct
  readonly #origin: OriginAgain
  readonly #method: string
  readonly #signal: AbortSignal
  /** channel → the id this poll last reflected (declared prev-id, then delivered ids). */
  readonly #prevIds = new Map<string, string | undefined>()
  #resolve!: (response: Response) => void
  #cancelTimer: () => void = doNothing
  #done = false

  constructor(
    hub: Hub,
    instruct: Instruct,
    origin: OriginAgain,
    method: string,
    signal: AbortSignal
  ) {
    this.#hub = hub
    this.#instruct = instruct
    this.#origin = origin
    this.#method = method
    this.#signal = signal
    this.result = new Promise((resolve) => {
      this.#resolve = resolve
    })
    for (const channel of instruct.channels) this.#prevIds.set(channel.name, channel.prevId)
    signal.addEventListener('abort', () => this.#finish(), { once: true })
  }

  /** Subscribes and arms the timeout; returns the eventual response. */
  start(): Promise<Response> {
    // The client left while the origin was answering: hold nothing for it.
    if (this.#signal.aborted) {
      this.#finish()
      return this.result
    }
    this.#hub.track(this)
    for (const channel of this.#prevIds.keys()) this.#hub.subscribe(channel, this)
    // A known last id that differs from the declared prev-id means the origin's answer is
    // already behind: ask again at once (GRIP.md §4.3, "prev-id conflict at hold time").
    const behind = [...this.#prevIds].filter(([channel, prevId]) => {
      const last = this.#hub.lastId(channel)
      return prevId !== undefined && last !== undefined && last !== prevId
    })
    if (behind.length > 0) {
      // Forget those last ids, as on a delivery mismatch: an origin that declares the same
      // prev-id again is then held, instead of proxy and origin asking each other forever.
      for (const [channel] of behind) this.#hub.forgetLastId(channel)
      this.#retry()
      return this.result
    }
    const timeoutMs = this.#instruct.timeoutSec * 1000
    this.#cancelTimer = this.#hub.clock.schedule(timeoutMs, () => {
      this.#answer(toResponse(this.#instruct.response, this.#method))
    })
    return this.result
  }

  /** Answers now with the timeout response. */
  shutdown(): void {
    this.#answer(toResponse(this.#instruct.response, this.#method))
  }

  deliver(item: PublishItem, channel: string): void {
    const format = item.formats['http-response']
    if (this.#done || !format) return
    const prevId = this.#prevIds.get(channel)
    if (prevId !== undefined && item.prevId !== undefined && item.prevId !== prevId) {
      this.#hub.forgetLastId(channel)
      this.#retry()
      return
    }
    if (format.action === 'hint') {
      this.#retry()
      return
    }
    this.#answer(toResponse(publishedResponse(this.#instruct.response, format), this.#method))
  }

  /** Asks the origin again with Grip-Last, and answers with whatever that produces. */
  #retry(): void {
    const lastIds: LastIds = {}
    for (const [channel, prevId] of this.#prevIds)
      if (prevId !== undefined) lastIds[channel] = prevId
    if (!this.#finish()) return
    this.#origin.replay(lastIds, this.#signal).then(this.#resolve, () => {
      this.#resolve(new Response('Error while proxying to origin.\n', { status: 502 }))
    })
  }

  #answer(response: Response): void {
    if (this.#finish()) this.#resolve(response)
  }

  /** Leaves every channel once; false when already finished. */
  #finish(): boolean {
    if (this.#done) return false
    this.#done = true
    this.#cancelTimer()
    for (const channel of this.#prevIds.keys()) this.#hub.unsubscribe(channel, this)
    this.#hub.closeConnection('response')
    this.#hub.untrack(this)
    return true
  }
}
