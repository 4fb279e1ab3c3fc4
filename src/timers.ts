/**
 * Timer delays that behave on every platform (issue #12 item 4). `setTimeout` stores its
 * delay as a 32-bit signed integer in browsers, Node and workerd: a delay above 2^31-1 ms
 * (about 24.8 days) fires after 1 ms, and NaN or a negative fires at once. The `Clock`
 * implementations schedule through `scheduleChained`, so even a value that escaped the
 * parse-time clamps (grip/durations.ts) waits as long as it says instead of spinning.
 * @module
 */

/** The longest delay one platform timer can take: 2^31-1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1

/** `ms` as a delay to wait for: NaN and negatives are 0 (as `setTimeout` takes them). */
export function timerDelay(ms: number): number {
  // Math.max alone would keep NaN.
  return Number.isNaN(ms) ? 0 : Math.max(ms, 0)
}

/** Starts one platform timer; `ms` is always within 0..MAX_TIMER_DELAY_MS. */
export type SetTimer<T> = (ms: number, fn: () => void) => T

/**
 * Runs `fn` once after `ms`, with timers of at most `MAX_TIMER_DELAY_MS` chained one after
 * another for longer delays (an infinite delay never fires). Returns a cancel function.
 */
export function scheduleChained<T>(
  set: SetTimer<T>,
  clear: (timer: T) => void,
  ms: number,
  fn: () => void
): () => void {
  let left = timerDelay(ms)
  if (left <= MAX_TIMER_DELAY_MS) {
    // The common case, one timer: no re-arming closure kept for the timer's lifetime (a held
    // stream's keep-alive is one of these per connection; issue #18, the SSE heap diff).
    const timer = set(left, fn)
    return () => clear(timer)
  }
  let timer: T
  const arm = () => {
    const step = Math.min(left, MAX_TIMER_DELAY_MS)
    left -= step
    timer = set(step, left > 0 ? arm : fn)
  }
  arm()
  return () => clear(timer)
}

/**
 * A function that does nothing: the initial cancel function (or listener) of a session's
 * fields, shared so a held connection does not carry a closure of its own for each (issue #18).
 */
export const doNothing = (): void => {}
