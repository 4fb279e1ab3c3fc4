import { describe, expect, it } from 'vitest'
import {
  LAST_ID_TTL_MS,
  MAX_LAST_IDS,
  type Sequenced,
  Sequencer,
  type SequencerOptions,
} from '../../../src/hub/sequencer.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'

type Item = Sequenced & { body: string }

function setup(subscribed = true, options: Partial<SequencerOptions<Item>> = {}) {
  const clock = new FakeClock()
  const released: string[] = []
  const sequencer = new Sequencer<Item>({
    clock,
    release: (item) => released.push(item.body),
    hasSubscribers: () => subscribed,
    ...options,
  })
  const push = (body: string, id?: string, prevId?: string, noSeq = false, channel = 'c') =>
    sequencer.push({ channel, body, id, prevId, noSeq })
  return { clock, released, sequencer, push }
}

describe('Sequencer (GRIP.md §9.2)', () => {
  it('releases items in publish order when ids chain', () => {
    const s = setup()
    s.push('m1', '1')
    s.push('m2', '2', '1')
    s.push('m3', '3', '2')
    expect(s.released).toEqual(['m1', 'm2', 'm3'])
    expect(s.sequencer.lastId('c')).toBe('3')
  })

  it('holds an item back until the one it follows arrives (conformance 76)', () => {
    const s = setup()
    expect(s.push('m1', '1')).toBe('released')
    expect(s.push('m3', '3', '2')).toBe('held')
    expect(s.released).toEqual(['m1'])
    s.clock.advance(1000)
    expect(s.push('m2', '2', '1')).toBe('released')
    expect(s.released).toEqual(['m1', 'm2', 'm3'])
    expect(s.sequencer.heldCount).toBe(0)
  })

  it('releases a held item after the message wait when its predecessor never comes (78)', () => {
    const s = setup()
    s.push('m1', '1')
    s.push('m9', '9', '8')
    s.clock.advance(4999)
    expect(s.released).toEqual(['m1'])
    s.clock.advance(1)
    expect(s.released).toEqual(['m1', 'm9'])
  })

  it('drops an id seen within the id cache window (77)', () => {
    const s = setup()
    s.push('m1', '1')
    expect(s.push('again', '1')).toBe('duplicate')
    s.clock.advance(60_001)
    expect(s.push('later', '1')).toBe('released')
    expect(s.released).toEqual(['m1', 'later'])
  })

  it('releases the first item on a channel whatever its prev-id (79)', () => {
    const s = setup()
    expect(s.push('first', '5', '4')).toBe('released')
  })

  it('clears the last id when an item without an id is released', () => {
    const s = setup()
    s.push('m1', '1')
    s.push('anonymous')
    expect(s.sequencer.lastId('c')).toBeUndefined()
    expect(s.push('m3', '3', '2')).toBe('released')
  })

  it('does not reorder no-seq items or channels without subscribers', () => {
    const s = setup()
    s.push('m1', '1')
    expect(s.push('x', '3', '2', true)).toBe('released')
    const idle = setup(false)
    idle.push('m1', '1')
    expect(idle.push('m3', '3', '2')).toBe('released')
  })

  it('keeps one waiting item per prev-id', () => {
    const s = setup()
    s.push('m1', '1')
    expect(s.push('a', '3', '2')).toBe('held')
    expect(s.push('b', '4', '2')).toBe('dropped')
  })

  it('takes a seeded last id only when none is known (a late joiner learns it)', () => {
    const s = setup()
    s.sequencer.seedLastId('c', '5')
    expect(s.push('m7', '7', '6')).toBe('held')
    expect(s.push('m6', '6', '5')).toBe('released')
    expect(s.released).toEqual(['m6', 'm7'])
    s.sequencer.seedLastId('c', '1')
    expect(s.sequencer.lastId('c')).toBe('7')
  })
})

// Issue #12 item 7: last ids are kept as Pushpin keeps them (an LRU, PublishLastIds), plus an
// idle expiry; a forgotten channel is a fresh one, whose first item is released whatever its
// prev-id (GRIP.md §9.2).
describe('Sequencer memory (issue #12 item 7)', () => {
  it('keeps at most maxLastIds last ids, forgetting the least recently published', () => {
    const s = setup(true, { maxLastIds: 2 })
    s.push('a1', '1', undefined, false, 'a')
    s.push('b1', '1', undefined, false, 'b')
    s.push('a2', '2', '1', false, 'a')
    s.push('c1', '1', undefined, false, 'c')
    expect(s.sequencer.lastIdCount).toBe(2)
    expect(s.sequencer.lastId('a')).toBe('2')
    expect(s.sequencer.lastId('b')).toBeUndefined()
    expect(s.sequencer.lastId('c')).toBe('1')
    // b is fresh again: an item whose prev-id does not follow anything known is released.
    expect(s.push('b3', '3', '2', false, 'b')).toBe('released')
  })

  it('forgets a channel idle for the last-id lifetime', () => {
    const s = setup(true, { lastIdTtlMs: 10_000 })
    s.push('m1', '1')
    s.clock.advance(9_999)
    expect(s.sequencer.lastId('c')).toBe('1')
    s.clock.advance(1)
    expect(s.sequencer.lastId('c')).toBeUndefined()
    expect(s.push('m3', '3', '2')).toBe('released')
  })

  it('keeps an active channel however long it lives', () => {
    const s = setup(true, { lastIdTtlMs: 10_000 })
    for (let i = 1; i <= 10; i++) {
      s.push(`m${i}`, String(i), i > 1 ? String(i - 1) : undefined)
      s.clock.advance(9_000)
    }
    expect(s.sequencer.lastId('c')).toBe('10')
  })

  it('holds nothing per channel once 100,000 fresh channels have gone quiet', () => {
    const s = setup(false)
    for (let i = 0; i < 100_000; i++) s.push('x', '1', undefined, false, `fresh-${i}`)
    expect(s.sequencer.lastIdCount).toBeLessThanOrEqual(MAX_LAST_IDS)
    s.clock.advance(Math.max(LAST_ID_TTL_MS, 60_000) + 1)
    s.push('x', '1', undefined, false, 'one-more')
    expect(s.sequencer.lastIdCount).toBe(1)
    expect(s.sequencer.rememberedIdCount).toBe(1)
  })
})
