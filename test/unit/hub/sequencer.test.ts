import { describe, expect, it } from 'vitest'
import { type Sequenced, Sequencer } from '../../../src/hub/sequencer.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'

type Item = Sequenced & { body: string }

function setup(subscribed = true) {
  const clock = new FakeClock()
  const released: string[] = []
  const sequencer = new Sequencer<Item>({
    clock,
    release: (item) => released.push(item.body),
    hasSubscribers: () => subscribed,
  })
  const push = (body: string, id?: string, prevId?: string, noSeq = false) =>
    sequencer.push({ channel: 'c', body, id, prevId, noSeq })
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
