/**
 * Clients for held responses, with event-driven waits: an SSE client on the `eventsource`
 * package (what a browser-like consumer uses) and a raw byte reader for what EventSource
 * hides (keep-alive comments, the end of a stream).
 */
import { EventSource } from 'eventsource'

/** Something that changes over time and can be waited on; every wait is bounded. */
class Watched {
  readonly #waiters = new Set<() => void>()

  /** Resolves once `check()` holds; rejects with `what` after `timeoutMs`. */
  protected waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check()) return
        clearTimeout(timer)
        this.#waiters.delete(waiter)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.describe()}`))
      }, timeoutMs)
      this.#waiters.add(waiter)
    })
  }

  /** Re-checks every pending wait. */
  protected changed(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }

  protected describe(): string {
    return ''
  }
}

/** One received server-sent event. */
export interface SseEvent {
  type: string
  data: string
}

/** An EventSource that records the events of the given types. */
export class SseClient extends Watched {
  readonly events: SseEvent[] = []
  readonly #source: EventSource

  constructor(url: string, types: readonly string[] = ['message']) {
    super()
    this.#source = new EventSource(url)
    for (const type of types) {
      this.#source.addEventListener(type, (event) => {
        this.events.push({ type, data: event.data })
        this.changed()
      })
    }
  }

  /** The data of the events of `type`, in arrival order. */
  data(type = 'message'): string[] {
    return this.events.filter((event) => event.type === type).map((event) => event.data)
  }

  /** Waits until at least `count` events of `type` arrived. */
  waitForCount(type: string, count: number, timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.data(type).length >= count, timeoutMs, `${count} "${type}"`)
  }

  close(): void {
    this.#source.close()
  }

  protected override describe(): string {
    return `received ${JSON.stringify(this.events)}`
  }
}

/** A response read as text as it arrives, until it ends or is closed. */
export class StreamReader extends Watched {
  text = ''
  ended = false
  readonly response: Response
  readonly #abort: AbortController

  private constructor(response: Response, abort: AbortController) {
    super()
    this.response = response
    this.#abort = abort
    this.#pump().catch(() => {
      // Aborted by close(), or the connection broke: either way the stream is over.
      this.ended = true
      this.changed()
    })
  }

  /** Opens `url` and resolves once the response head arrived. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<StreamReader> {
    const abort = new AbortController()
    const response = await fetch(url, { headers, signal: abort.signal })
    return new StreamReader(response, abort)
  }

  /** Waits until the text received so far satisfies `check`. */
  waitForText(check: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => check(this.text), timeoutMs, what)
  }

  /** Waits until the server ends the response. */
  waitForEnd(timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.ended, timeoutMs, 'the end of the response')
  }

  close(): void {
    this.#abort.abort()
  }

  async #pump(): Promise<void> {
    const reader = this.response.body!.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      this.text += value
      this.changed()
    }
    this.ended = true
    this.changed()
  }

  protected override describe(): string {
    return `received ${JSON.stringify(this.text.slice(-500))}${this.ended ? ' (ended)' : ''}`
  }
}

/** Counts the non-overlapping occurrences of `needle` in `text`. */
export function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1
}
