import { beforeEach, describe, expect, it } from 'vitest'
import { createFastlyPurger } from '../../edge/fastly/purger.ts'
import { runPurgerContract } from '../contract/purger.contract.ts'
import { calls } from './shims/calls.ts'
import { failPurge, purges } from './shims/compute.ts'
import { resetShims } from './shims/reset.ts'

beforeEach(resetShims)

runPurgerContract('the Fastly purger', {
  softPurges: true,
  make: () => ({
    purger: createFastlyPurger(),
    refuse: (key) => failPurge(key),
    reached: () =>
      calls.filter((call) => call.api === 'purgeSurrogateKey').map((call) => String(call.args[0])),
  }),
})

describe('the Fastly purger (purgeSurrogateKey)', () => {
  it('purges each key through the hostcall, hard or soft', async () => {
    const purger = createFastlyPurger()
    expect(await purger.purge(['a', 'b'], false)).toEqual({
      soft: false,
      purged: ['a', 'b'],
      failed: [],
      objects: null,
    })
    expect(await purger.purge(['c'], true)).toEqual({
      soft: true,
      purged: ['c'],
      failed: [],
      objects: null,
    })
    expect(calls.map((call) => call.args)).toEqual([
      ['a', false],
      ['b', false],
      ['c', true],
    ])
  })

  it('reports a key the hostcall refuses and purges the others', async () => {
    failPurge('bad', 'invalid surrogate key')
    const report = await createFastlyPurger().purge(['a', 'bad', 'b'], false)
    expect(report).toEqual({
      soft: false,
      purged: ['a', 'b'],
      failed: [{ key: 'bad', reason: 'invalid surrogate key' }],
      objects: null,
    })
    expect(purges.map((p) => p.key)).toEqual(['a', 'b'])
  })
})
