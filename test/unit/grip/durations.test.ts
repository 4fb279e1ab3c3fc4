/**
 * Issue #12 item 4: every duration an origin or publisher supplies lands in a documented
 * range, whichever form carries it. One table of edge values runs through each parser.
 */
import { describe, expect, it } from 'vitest'
import {
  clampSeconds,
  HOLD_TIMEOUT_RANGE,
  KEEP_ALIVE_RANGE,
  MAX_DURATION_SEC,
  NEXT_LINK_RANGE,
  WOH_POLL_RANGE,
  WS_KEEP_ALIVE_RANGE,
} from '../../../src/grip/durations.ts'
import { parseInstruct } from '../../../src/grip/instruct.ts'
import { parseControlMessage } from '../../../src/grip/ws-control.ts'
import { keepAliveIntervalSec } from '../../../src/grip/ws-meta.ts'
import { MAX_TIMER_DELAY_MS } from '../../../src/timers.ts'

const text = (value: string) => new TextEncoder().encode(value)
const MAX = MAX_DURATION_SEC

/** A header value, and what the parser makes of it: seconds, 'error', or 'off'. */
type Want = number | 'error' | 'off' | 'default'
interface Edge {
  value: string
  hold: Want
  keepAlive: Want
  nextLink: Want
  wohPoll: Want
}

// Header values as an origin writes them. Non-integers are refused (as Pushpin does), except
// `Keep-Alive-Interval`, where Pushpin turns polling off for them (GRIP.md §7.2).
const EDGES: Edge[] = [
  { value: '0', hold: 5, keepAlive: 1, nextLink: 1, wohPoll: 'off' },
  { value: '-1', hold: 'error', keepAlive: 'error', nextLink: 'error', wohPoll: 'off' },
  { value: '1', hold: 5, keepAlive: 1, nextLink: 1, wohPoll: 20 },
  { value: String(MAX), hold: MAX, keepAlive: MAX, nextLink: MAX, wohPoll: MAX },
  { value: String(MAX + 1), hold: MAX, keepAlive: MAX, nextLink: MAX, wohPoll: MAX },
  // The first value whose milliseconds overflow a 32-bit timer.
  { value: '2147484', hold: MAX, keepAlive: MAX, nextLink: MAX, wohPoll: MAX },
  { value: '2147483647', hold: MAX, keepAlive: MAX, nextLink: MAX, wohPoll: MAX },
  { value: '1e20', hold: 'error', keepAlive: 'error', nextLink: 'error', wohPoll: 'off' },
  { value: '99999999999', hold: 'error', keepAlive: 'error', nextLink: 'error', wohPoll: 'off' },
  { value: 'abc', hold: 'error', keepAlive: 'error', nextLink: 'error', wohPoll: 'off' },
  { value: 'NaN', hold: 'error', keepAlive: 'error', nextLink: 'error', wohPoll: 'off' },
]

function instruct(headers: Record<string, string>, body = '') {
  return parseInstruct(200, new Headers(headers), text(body))
}

const outcome = <T>(
  result: { ok: true; value: T } | { ok: false; error: string },
  pick: (v: T) => number | undefined
): Want => (result.ok ? (pick(result.value) ?? 'off') : 'error')

describe('durations from the header form', () => {
  it.each(EDGES)('Grip-Timeout: $value → $hold', ({ value, hold }) => {
    const parsed = instruct({ 'grip-hold': 'response', 'grip-timeout': value })
    expect(outcome(parsed, (v) => v.timeoutSec)).toBe(hold)
  })

  it.each(EDGES)('Grip-Keep-Alive timeout=$value → $keepAlive', ({ value, keepAlive }) => {
    const parsed = instruct({ 'grip-hold': 'stream', 'grip-keep-alive': `ka; timeout=${value}` })
    expect(outcome(parsed, (v) => v.keepAlive?.timeoutSec)).toBe(keepAlive)
  })

  it.each(EDGES)('Grip-Link timeout=$value → $nextLink', ({ value, nextLink }) => {
    const parsed = instruct({ 'grip-link': `</next>; rel=next; timeout=${value}` })
    expect(outcome(parsed, (v) => v.nextLink?.timeoutSec)).toBe(nextLink)
  })

  it.each(EDGES)('Keep-Alive-Interval: $value → $wohPoll', ({ value, wohPoll }) => {
    expect(keepAliveIntervalSec(value) ?? 'off').toBe(wohPoll)
  })
})

// JSON numbers: the JSON forms refuse anything but an integer 0..2^31-1, as Pushpin's toInt does.
const JSON_EDGES: { value: number | string; hold: Want; keepAlive: Want; control: Want }[] = [
  { value: 0, hold: 5, keepAlive: 1, control: 55 },
  { value: -1, hold: 'error', keepAlive: 'error', control: 'error' },
  { value: 1, hold: 5, keepAlive: 1, control: 1 },
  { value: MAX, hold: MAX, keepAlive: MAX, control: MAX },
  { value: MAX + 1, hold: MAX, keepAlive: MAX, control: MAX },
  { value: 2147484, hold: MAX, keepAlive: MAX, control: MAX },
  { value: 2147483647, hold: MAX, keepAlive: MAX, control: MAX },
  { value: 2147483648, hold: 'error', keepAlive: 'error', control: 'error' },
  { value: 1e20, hold: 'error', keepAlive: 'error', control: 'error' },
  { value: 1.5, hold: 'error', keepAlive: 'error', control: 'error' },
  { value: '30', hold: 'error', keepAlive: 'error', control: 'error' },
]

describe('durations from the JSON forms', () => {
  const json = (hold: unknown) =>
    parseInstruct(
      200,
      new Headers({ 'content-type': 'application/grip-instruct' }),
      text(JSON.stringify({ hold }))
    )

  it.each(JSON_EDGES)('hold.timeout $value → $hold', ({ value, hold }) => {
    const parsed = json({ mode: 'response', channels: [{ name: 'c' }], timeout: value })
    expect(outcome(parsed, (v) => v.timeoutSec)).toBe(hold)
  })

  it.each(JSON_EDGES)('hold.keep-alive.timeout $value → $keepAlive', ({ value, keepAlive }) => {
    const parsed = json({
      mode: 'stream',
      channels: [{ name: 'c' }],
      'keep-alive': { content: 'ka', timeout: value },
    })
    expect(outcome(parsed, (v) => v.keepAlive?.timeoutSec)).toBe(keepAlive)
  })

  it.each(JSON_EDGES)('c:keep-alive timeout $value → $control', ({ value, control }) => {
    const parsed = parseControlMessage(
      text(JSON.stringify({ type: 'keep-alive', content: 'ka', timeout: value }))
    )
    expect(outcome(parsed, (v) => (v.type === 'keep-alive' ? v.timeoutSec : undefined))).toBe(
      control
    )
  })
})

describe('clampSeconds', () => {
  const range = { min: 5, max: 100 }
  it.each([
    [0, 5],
    [-1, 5],
    [5, 5],
    [100, 100],
    [101, 100],
    [1e20, 100],
    [Number.POSITIVE_INFINITY, 100],
    [Number.NEGATIVE_INFINITY, 5],
    [Number.NaN, 5],
    [7.9, 7],
  ])('%s → %s', (value, want) => {
    expect(clampSeconds(value, range)).toBe(want)
  })

  it('keeps every range inside one platform timer', () => {
    for (const r of [
      HOLD_TIMEOUT_RANGE,
      KEEP_ALIVE_RANGE,
      NEXT_LINK_RANGE,
      WOH_POLL_RANGE,
      WS_KEEP_ALIVE_RANGE,
    ]) {
      expect(r.min).toBeGreaterThan(0)
      expect(r.max * 1000).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS)
    }
  })
})
