import { describe, expect, it } from 'vitest'
import { purgerFromKeyPurge } from '../../../src/purge/purger.ts'
import { runPurgerContract } from '../../contract/purger.contract.ts'

runPurgerContract('purgerFromKeyPurge', {
  softPurges: true,
  make: () => {
    const refused = new Set<string>()
    const reached: string[] = []
    const purger = purgerFromKeyPurge((key) => {
      reached.push(key)
      if (refused.has(key)) throw new Error('refused')
    })
    return { purger, refuse: (key) => refused.add(key), reached: () => reached }
  },
})

describe('purgerFromKeyPurge', () => {
  it('purges each key once, in order, with the mode', async () => {
    const seen: string[] = []
    const purger = purgerFromKeyPurge((key, soft) => {
      seen.push(`${key}:${soft}`)
    })
    expect(await purger.purge(['a', 'b', 'a'], true)).toEqual({
      objects: null,
      soft: true,
      purged: ['a', 'b'],
      failed: [],
    })
    expect(seen).toEqual(['a:true', 'b:true'])
  })

  it('reports a failing key and still purges the rest (never throws)', async () => {
    const purger = purgerFromKeyPurge(async (key) => {
      if (key === 'bad') throw new Error('hostcall refused')
      if (key === 'odd') throw 'a string'
    })
    expect(await purger.purge(['x', 'bad', 'odd', 'y'], false)).toEqual({
      objects: null,
      soft: false,
      purged: ['x', 'y'],
      failed: [
        { key: 'bad', reason: 'hostcall refused' },
        { key: 'odd', reason: 'a string' },
      ],
    })
  })

  it('does nothing for no keys', async () => {
    const purger = purgerFromKeyPurge(() => {
      throw new Error('not called')
    })
    expect(await purger.purge([], false)).toEqual({
      soft: false,
      purged: [],
      failed: [],
      objects: null,
    })
  })
})
