import { describe, expect, it } from 'vitest'
import {
  ALARM_STEP_MS,
  AlarmClock,
  type AlarmStorage,
} from '../../edge/cloudflare/fanout/alarm-clock.ts'
import { MAX_TIMER_DELAY_MS } from '../../src/timers.ts'
import { captureLogger } from './helpers.ts'

/** Alarm storage that records what was set; `fail` makes every call reject. */
class RecordingAlarm implements AlarmStorage {
  readonly calls: Array<number | 'deleted'> = []
  fail = false
  async setAlarm(time: number): Promise<void> {
    if (this.fail) throw new Error('storage down')
    this.calls.push(time)
  }
  async deleteAlarm(): Promise<void> {
    if (this.fail) throw new Error('storage down')
    this.calls.push('deleted')
  }
}

function setup(start = 10 * ALARM_STEP_MS + 250) {
  let now = start
  const storage = new RecordingAlarm()
  const logger = captureLogger()
  const clock = new AlarmClock(storage, logger, () => now)
  const ran: string[] = []
  return {
    clock,
    storage,
    logger,
    ran,
    at: (ms: number) => {
      now = ms
    },
    now: () => now,
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('AlarmClock', () => {
  it('sets the alarm to the earliest due time, rounded up to a whole step', async () => {
    const { clock, storage, now } = setup()
    clock.schedule(5_000, () => {})
    clock.schedule(9_000, () => {})
    clock.schedule(2_000, () => {})
    await settle()
    const step = (ms: number) => Math.ceil((now() + ms) / ALARM_STEP_MS) * ALARM_STEP_MS
    expect(storage.calls).toEqual([step(5_000), step(2_000)])
  })

  it('runs due timers in time order on fire, then arms the next one', async () => {
    const { clock, storage, ran, at, now } = setup()
    const start = now()
    clock.schedule(3_000, () => ran.push('c'))
    clock.schedule(1_000, () => ran.push('a'))
    clock.schedule(1_000, () => ran.push('b'))
    at(start + 1_500)
    clock.fire()
    expect(ran).toEqual(['a', 'b'])
    at(start + 3_000)
    clock.fire()
    expect(ran).toEqual(['a', 'b', 'c'])
    await settle()
    expect(storage.calls.at(-1)).toBe('deleted')
    expect(clock.pending).toBe(0)
  })

  it('does not run a cancelled timer', () => {
    const { clock, ran, at, now } = setup()
    const cancel = clock.schedule(1_000, () => ran.push('cancelled'))
    clock.schedule(1_000, () => ran.push('kept'))
    cancel()
    at(now() + 1_000)
    clock.fire()
    expect(ran).toEqual(['kept'])
  })

  it('runs a timer scheduled for now by a firing timer in the same wake', () => {
    const { clock, ran, at, now } = setup()
    clock.schedule(1_000, () => {
      ran.push('first')
      clock.schedule(0, () => ran.push('chained'))
    })
    at(now() + 1_000)
    clock.fire()
    expect(ran).toEqual(['first', 'chained'])
  })

  it('keeps running timers after one throws, and logs it', () => {
    const { clock, ran, at, now, logger } = setup()
    clock.schedule(10, () => {
      throw new Error('boom')
    })
    clock.schedule(20, () => ran.push('after'))
    at(now() + 20)
    clock.fire()
    expect(ran).toEqual(['after'])
    expect(logger.lines.map((line) => line.msg)).toContain('timer failed')
  })

  it('logs a storage failure and tries again with the next timer', async () => {
    const { clock, storage, logger } = setup()
    storage.fail = true
    clock.schedule(1_000, () => {})
    await settle()
    expect(logger.lines.map((line) => line.msg)).toContain('alarm storage failed')
    storage.fail = false
    clock.schedule(2_000, () => {})
    await settle()
    expect(storage.calls).toHaveLength(1)
  })

  // Issue #12 item 4: an origin-sized delay must neither set an invalid alarm nor run early.
  it('arms at most 2^31-1 ms ahead for a huge delay, and runs it only when due', async () => {
    const { clock, storage, ran, at, now } = setup()
    const start = now()
    for (const ms of [2_147_484_000, 1e20, Number.POSITIVE_INFINITY]) {
      clock.schedule(ms, () => ran.push(String(ms)))
    }
    await settle()
    expect(storage.calls).toEqual([start + MAX_TIMER_DELAY_MS])
    at(start + MAX_TIMER_DELAY_MS)
    clock.fire()
    await settle()
    expect(ran).toEqual([])
    // Woken early: armed again, still within one timer's reach of now.
    expect(storage.calls.at(-1)).toBe(
      Math.ceil((start + 2_147_484_000) / ALARM_STEP_MS) * ALARM_STEP_MS
    )
    at(start + 2_147_484_000)
    clock.fire()
    expect(ran).toEqual(['2147484000'])
    expect(clock.pending).toBe(2)
  })

  it('runs NaN and negative delays on the next fire', async () => {
    const { clock, ran } = setup()
    clock.schedule(Number.NaN, () => ran.push('nan'))
    clock.schedule(-5, () => ran.push('negative'))
    clock.fire()
    expect(ran).toEqual(['nan', 'negative'])
  })
})
