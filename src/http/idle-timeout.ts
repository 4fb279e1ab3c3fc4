/**
 * An idle (between-reads) timeout on an origin's body: an origin that sends its response
 * head and then stalls must not hold the client, or a cache fill, forever. The timer runs
 * only while a read is waiting on the origin, so a slow client (backpressure) never counts
 * as an idle origin. On expiry the body errors (never ends cleanly), so whoever streams it
 * aborts the client's response instead of ending it as if it were complete, and the cache,
 * which stores only bodies that end, stores nothing.
 * @module
 */
import { wholeBodyOf } from './whole-body.ts'

/** Runs `fn` after `ms`; returns a cancel function (`Clock.schedule`'s shape). */
export type Schedule = (ms: number, fn: () => void) => () => void

const timers: Schedule = (ms, fn) => {
  const timer = setTimeout(fn, ms)
  return () => clearTimeout(timer)
}

/** Statuses whose responses never have a body (RFC 9110 §6.4.1); `Response` refuses one. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * `source`, failing with `onIdle()` when a read waits more than `ms` for it. The source is
 * cancelled then, so its connection is closed rather than reused.
 */
export function idleTimeoutBody(
  source: ReadableStream<Uint8Array>,
  ms: number,
  onIdle: () => Error,
  schedule: Schedule = timers
): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let cancelTimer: () => void = () => {}
        const idle = new Promise<never>((_, reject) => {
          cancelTimer = schedule(ms, () => reject(onIdle()))
        })
        try {
          const next = await Promise.race([reader.read(), idle])
          if (next.done) controller.close()
          else controller.enqueue(next.value)
        } catch (error) {
          reader.cancel(error).catch(() => {})
          throw error
        } finally {
          cancelTimer()
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    // No read-ahead: the timer must only run while somebody waits for the origin.
    { highWaterMark: 0 }
  )
}

/** `response` with its body under an idle timeout (see `idleTimeoutBody`). */
export function withIdleTimeout(
  response: Response,
  ms: number,
  onIdle: () => Error,
  schedule?: Schedule
): Response {
  // A whole body has nothing left to wait for (and reading `body` would build its stream).
  if (wholeBodyOf(response) || NULL_BODY_STATUSES.has(response.status) || !response.body)
    return response
  return new Response(idleTimeoutBody(response.body, ms, onIdle, schedule), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}
