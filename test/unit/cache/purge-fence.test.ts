/**
 * The purge fence (ARCHITECTURE.md consistency contract 4) and its memory (issue #12 item 7):
 * a fill that began before a purge of one of its keys is never stored, and the fence forgets
 * a purged key as soon as no fill that began before that purge is still in flight, so a
 * gateway that always has some fill in flight does not remember every key it ever purged.
 */
import { describe, expect, it } from 'vitest'
import { PurgeFence } from '../../../src/cache/purge-fence.ts'

describe('PurgeFence', () => {
  it('refuses a fill that began before a purge of one of its keys, and only that', () => {
    const fence = new PurgeFence()
    const before = fence.begin()
    fence.purged(['k'])
    const after = fence.begin()
    expect(fence.allows(before, ['k'])).toBe(false)
    expect(fence.allows(before, ['other'])).toBe(true)
    expect(fence.allows(after, ['k'])).toBe(true)
    fence.end(before)
    fence.end(after)
  })

  it('forgets a purge once every fill that began before it has ended', () => {
    const fence = new PurgeFence()
    const old = fence.begin()
    fence.purged(['a'])
    const newer = fence.begin()
    fence.purged(['b'])
    expect(fence.size).toBe(2)
    fence.end(old)
    // `newer` began after the purge of a, before the purge of b: only b still matters.
    expect(fence.size).toBe(1)
    expect(fence.allows(newer, ['a'])).toBe(true)
    expect(fence.allows(newer, ['b'])).toBe(false)
    fence.end(newer)
    expect(fence.size).toBe(0)
  })

  it('stays small under steady traffic where some fill is always in flight', () => {
    const fence = new PurgeFence()
    let running = fence.begin()
    for (let i = 0; i < 100_000; i++) {
      // A fill starts, a fresh key is purged, the older fill ends: never a moment with none.
      const next = fence.begin()
      fence.purged([`key-${i}`])
      fence.end(running)
      running = next
    }
    expect(fence.size).toBeLessThanOrEqual(1)
    fence.end(running)
    expect(fence.size).toBe(0)
  })

  it('bounds the keys it keeps, and then refuses every fill that began before an eviction', () => {
    const fence = new PurgeFence({ maxKeys: 3 })
    const stuck = fence.begin()
    fence.purged(['a', 'b', 'c'])
    expect(fence.size).toBe(3)
    fence.purged(['d'])
    expect(fence.size).toBe(3)
    // `a` was forgotten while `stuck` was in flight: it may have been purged after `stuck`
    // began, so `stuck` stores nothing at all rather than risk a stale entry.
    expect(fence.allows(stuck, ['a'])).toBe(false)
    expect(fence.allows(stuck, ['unrelated'])).toBe(false)
    const later = fence.begin()
    expect(fence.allows(later, ['a'])).toBe(true)
    expect(fence.allows(later, ['d'])).toBe(true)
    fence.purged(['a'])
    expect(fence.allows(later, ['a'])).toBe(false)
    fence.end(stuck)
    fence.end(later)
    expect(fence.size).toBe(0)
  })

  it('keeps a key purged again at its latest purge', () => {
    const fence = new PurgeFence()
    const first = fence.begin()
    fence.purged(['k'])
    const second = fence.begin()
    fence.purged(['k'])
    fence.end(first)
    expect(fence.allows(second, ['k'])).toBe(false)
    expect(fence.size).toBe(1)
    fence.end(second)
  })
})
