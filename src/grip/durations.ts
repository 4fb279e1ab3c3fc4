/**
 * The range of every duration an origin or a publisher may ask for (issue #12 item 4).
 *
 * GRIP carries durations as whole seconds: `Grip-Timeout`, the `Grip-Keep-Alive` and
 * `Grip-Link` `timeout` parameters, their JSON instruct forms, the WebSocket-over-HTTP
 * `Keep-Alive-Interval` header and the `keep-alive` control message. Pushpin parses them as
 * 32-bit integers and multiplies by 1000, so a large value overflows its timer; timers on
 * the web platform do the same (a `setTimeout` delay above 2^31-1 ms fires after 1 ms). Each
 * value is therefore raised to its GRIP minimum and lowered to `MAX_DURATION_SEC` here, at
 * parse time, on every platform; the `Clock` implementations are safe on their own as well.
 * @module
 */

/**
 * The longest duration anything from outside may set: one day. Longer holds, keep-alive
 * periods or poll intervals buy nothing a client or an origin could tell apart from
 * "never", and one day in milliseconds is far inside every platform timer's range.
 */
export const MAX_DURATION_SEC = 86_400

/** Response-hold timeout (`Grip-Timeout`, JSON `hold.timeout`): 5 s to one day (GRIP.md §3.2). */
export const HOLD_TIMEOUT_RANGE = { min: 5, max: MAX_DURATION_SEC } as const
/** Stream keep-alive period (`Grip-Keep-Alive` `timeout`): 1 s to one day (GRIP.md §3.2). */
export const KEEP_ALIVE_RANGE = { min: 1, max: MAX_DURATION_SEC } as const
/**
 * Idle time before a stream fetches its next link (`Grip-Link` `timeout`): 1 s to one day.
 * Pushpin has no floor; 0 would fetch the link again as soon as each answer arrived.
 */
export const NEXT_LINK_RANGE = { min: 1, max: MAX_DURATION_SEC } as const
/** WebSocket-over-HTTP poll interval (`Keep-Alive-Interval`): 20 s to one day (GRIP.md §7.2). */
export const WOH_POLL_RANGE = { min: 20, max: MAX_DURATION_SEC } as const
/** WebSocket `keep-alive` control message `timeout`: 1 s to one day (GRIP.md §7.4). */
export const WS_KEEP_ALIVE_RANGE = { min: 1, max: MAX_DURATION_SEC } as const

/** An inclusive range of whole seconds. */
export interface SecondsRange {
  readonly min: number
  readonly max: number
}

/**
 * `seconds` moved into `range`. The parsers only pass non-negative integers; anything else
 * (NaN, a fraction, a negative) still lands inside the range, at the minimum for NaN.
 */
export function clampSeconds(seconds: number, range: SecondsRange): number {
  if (Number.isNaN(seconds)) return range.min
  return Math.min(range.max, Math.max(range.min, Math.floor(seconds)))
}
