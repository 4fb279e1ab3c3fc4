import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/grip/bytes.ts'
import { type KeepAliveSettings, WsKeepAlive } from '../../../src/hub/ws-keep-alive.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import { seconds } from '../../helpers/grip-harness.ts'

const SETTINGS: KeepAliveSettings = {
  content: utf8('ka'),
  messageType: 'text',
  timeoutSec: 10,
  mode: 'idle',
}

function setup(clock = new FakeClock()) {
  const sent: string[] = []
  let arms = 0
  const keepAlive = new WsKeepAlive(
    clock,
    (message) => sent.push(new TextDecoder().decode(message.content)),
    () => {
      arms += 1
    }
  )
  return { clock, sent, keepAlive, arms: () => arms }
}

describe('WsKeepAlive snapshot and restore', () => {
  it('has no snapshot while off', () => {
    const { keepAlive } = setup()
    expect(keepAlive.snapshot()).toBeUndefined()
    keepAlive.configure({ ...SETTINGS, content: undefined })
    expect(keepAlive.snapshot()).toBeUndefined()
  })

  it('reports settings, last activity and the next due time, and each new due time', () => {
    const { keepAlive, clock, arms } = setup()
    keepAlive.configure(SETTINGS)
    expect(keepAlive.snapshot()).toEqual({
      settings: SETTINGS,
      lastActivity: clock.now(),
      dueAt: clock.now() + seconds(10),
    })
    expect(arms()).toBe(1)
    clock.advance(seconds(10))
    expect(keepAlive.snapshot()?.dueAt).toBe(clock.now() + seconds(10))
    expect(arms()).toBe(2)
  })

  it('resumes on another clock at the saved due time, idle mode still counting quiet', () => {
    const first = setup()
    first.keepAlive.configure(SETTINGS)
    first.clock.advance(seconds(4))
    first.keepAlive.touch()
    const snapshot = structuredClone(first.keepAlive.snapshot()!)

    const later = setup(new FakeClock(first.clock.now()))
    later.keepAlive.restore(snapshot)
    later.clock.advance(seconds(6))
    // Due, but only 6 s quiet: idle mode waits out the rest of the period.
    expect(later.sent).toEqual([])
    later.clock.advance(seconds(4))
    expect(later.sent).toEqual(['ka'])
  })

  it('fires at once when the due time passed while the host slept', () => {
    const first = setup()
    first.keepAlive.configure({ ...SETTINGS, mode: 'interval' })
    const snapshot = first.keepAlive.snapshot()!
    const later = setup(new FakeClock(snapshot.dueAt + seconds(60)))
    later.keepAlive.restore(snapshot)
    later.clock.advance(0)
    expect(later.sent).toEqual(['ka'])
  })
})
