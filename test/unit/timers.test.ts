/**
 * Issue #12 item 4, defence in depth: a `Clock` schedules through `scheduleChained`, so a
 * delay beyond one platform timer (2^31-1 ms, where setTimeout fires after 1 ms) waits in
 * full, and NaN or a negative runs as soon as possible. The platform timer is replaced by a
 * recording one here, so nothing waits on real time.
 */
import { describe, expect, it } from 'vitest'
import { MAX_TIMER_DELAY_MS, scheduleChained, timerDelay } from '../../src/timers.ts'
import { FakeClock } from '../fakes/fake-clock.ts'

/** A platform timer that records each delay it was given; `fire()` runs the latest one. */
function recordingTimers() {
  const delays: number[] = []
  let pending: (() => void) | undefined
  let cleared = 0
  return {
    delays,
    get cleared() {
      return cleared
    },
    set: (ms: number, fn: () => void) => {
      delays.push(ms)
      pending = fn
      return delays.length
    },
    clear: () => {
      cleared += 1
      pending = undefined
    },
    fire: () => {
      const fn = pending
      pending = undefined
      fn?.()
    },
  }
}

describe('timerDelay', () => {
  it.each([
    [0, 0],
    [-1, 0],
    [Number.NaN, 0],
    [1, 1],
    [MAX_TIMER_DELAY_MS + 1, MAX_TIMER_DELAY_MS + 1],
  ])('%s → %s', (ms, want) => {
    expect(timerDelay(ms)).toBe(want)
  })
})

describe('scheduleChained', () => {
  it.each([
    { ms: 0, chain: [0] },
    { ms: -5, chain: [0] },
    { ms: Number.NaN, chain: [0] },
    { ms: 1, chain: [1] },
    { ms: MAX_TIMER_DELAY_MS, chain: [MAX_TIMER_DELAY_MS] },
    { ms: MAX_TIMER_DELAY_MS + 1, chain: [MAX_TIMER_DELAY_MS, 1] },
    // Grip-Timeout: 2147484 in milliseconds, the first value a single timer gets wrong.
    { ms: 2_147_484_000, chain: [MAX_TIMER_DELAY_MS, 353] },
    { ms: 2 * MAX_TIMER_DELAY_MS + 7, chain: [MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS, 7] },
  ])('waits $ms ms as timers of $chain', ({ ms, chain }) => {
    const timers = recordingTimers()
    let ran = 0
    scheduleChained(timers.set, timers.clear, ms, () => ran++)
    for (let i = 1; i < chain.length; i++) {
      timers.fire()
      expect(ran).toBe(0)
    }
    timers.fire()
    expect(ran).toBe(1)
    expect(timers.delays).toEqual(chain)
  })

  it('never hands the platform a delay above 2^31-1 ms, even for 1e20 or Infinity', () => {
    for (const ms of [1e20, Number.POSITIVE_INFINITY]) {
      const timers = recordingTimers()
      let ran = 0
      scheduleChained(timers.set, timers.clear, ms, () => ran++)
      for (let i = 0; i < 5; i++) timers.fire()
      expect(ran).toBe(0)
      expect(timers.delays.every((d) => d === MAX_TIMER_DELAY_MS)).toBe(true)
    }
  })

  it('cancels a single timer (the fast path, issue #18)', () => {
    const timers = recordingTimers()
    let ran = 0
    const cancel = scheduleChained(timers.set, timers.clear, 1000, () => ran++)
    cancel()
    timers.fire()
    expect(ran).toBe(0)
    expect(timers.cleared).toBe(1)
    expect(timers.delays).toEqual([1000])
  })

  it('cancels whichever timer of the chain is pending', () => {
    const timers = recordingTimers()
    let ran = 0
    const cancel = scheduleChained(timers.set, timers.clear, MAX_TIMER_DELAY_MS + 10, () => ran++)
    timers.fire()
    cancel()
    timers.fire()
    expect(ran).toBe(0)
    expect(timers.cleared).toBe(1)
  })
})

describe('FakeClock keeps the same contract', () => {
  it('runs NaN and negative delays at once, and waits a huge delay in full', () => {
    const clock = new FakeClock(0)
    const ran: string[] = []
    clock.schedule(Number.NaN, () => ran.push('nan'))
    clock.schedule(-10, () => ran.push('negative'))
    clock.schedule(2_147_484_000, () => ran.push('huge'))
    clock.advance(0)
    expect(ran).toEqual(['nan', 'negative'])
    clock.advance(MAX_TIMER_DELAY_MS)
    expect(ran).toEqual(['nan', 'negative'])
    clock.advance(2_147_484_000 - MAX_TIMER_DELAY_MS)
    expect(ran).toEqual(['nan', 'negative', 'huge'])
  })
})
