/**
 * The `Purger` contract: every implementation (purgerFromKeyPurge, the Cloudflare zone
 * purger, Fastly's hostcall purger, a cluster node's purger, the RecordingPurger fake) runs this suite from its own
 * test file, in its own vitest project. Never run directly: the name does not match vitest's
 * include pattern.
 * @module
 */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Purger } from '../../src/purge/purger.ts'

/** One purger over a platform the test controls. */
export interface PurgerUnderTest {
  purger: Purger
  /** Makes the platform refuse to purge `key` from now on. */
  refuse(key: string): void
  /** The keys the platform was asked to purge so far, in order, refused ones included. */
  reached(): string[]
  /**
   * Whether the cache that refused a key is still served (only where `refusal` is `fences`;
   * refusing platforms that report never fence).
   */
  servesRefusingCache?(): boolean
}

/** How the suite builds a purger and what the platform can do. */
export interface PurgerContractOptions {
  /** A new purger over a platform that has purged nothing and refuses nothing. */
  make: () => PurgerUnderTest | Promise<PurgerUnderTest>
  /** Whether the platform keeps a soft purge soft; one that cannot purges hard and says so. */
  softPurges: boolean
  /** Whether the platform counts the objects a purge covered (`objects`), or says `null`. */
  counts?: boolean
  /**
   * What a purger does with a key its platform refuses: `reports` it as failed (the default),
   * or `fences` the cache that refused it, which is then served no more, so the key counts as
   * purged (a cluster node, docs/cluster.md: a node that cannot apply a purge drops its lease).
   */
  refusal?: 'reports' | 'fences'
}

/** Runs the shared `Purger` contract against purgers built by `make`. */
export function runPurgerContract(name: string, options: PurgerContractOptions): void {
  describe(`Purger contract: ${name}`, () => {
    let under: PurgerUnderTest
    beforeEach(async () => {
      under = await options.make()
    })

    /** `objects` is a count where the platform counts, `null` where it does not. */
    const expectObjects = (report: { objects: number | null }) => {
      if (options.counts) expect(report.objects).toBeGreaterThanOrEqual(0)
      else expect(report.objects).toBeNull()
    }

    it('purges each key once, in the order given, and reports them', async () => {
      const report = await under.purger.purge(['a', 'b', 'a'], false)
      expect(report).toMatchObject({ soft: false, purged: ['a', 'b'], failed: [] })
      expectObjects(report)
      expect(under.reached()).toEqual(['a', 'b'])
    })

    it('asks the platform nothing for no keys', async () => {
      const report = await under.purger.purge([], false)
      expect(report).toMatchObject({ soft: false, purged: [], failed: [] })
      expect(report.objects === null || report.objects === 0).toBe(true)
      expect(under.reached()).toEqual([])
    })

    it(
      options.softPurges
        ? 'keeps a soft purge soft'
        : 'purges hard when asked for soft, and reports it',
      async () => {
        const report = await under.purger.purge(['s'], true)
        expect(report).toMatchObject({ soft: options.softPurges, purged: ['s'], failed: [] })
        expectObjects(report)
      }
    )

    if (options.refusal === 'fences') {
      it('fences the cache that refuses a key, and counts the key purged', async () => {
        under.refuse('bad')
        expect(under.servesRefusingCache?.()).toBe(true)
        const report = await under.purger.purge(['bad'], false)
        expect(report).toMatchObject({ purged: ['bad'], failed: [] })
        expect(under.reached()).toContain('bad')
        expect(under.servesRefusingCache?.()).toBe(false)
      })

      it('accounts for every key once when one of them is refused', async () => {
        under.refuse('bad')
        const report = await under.purger.purge(['a', 'bad', 'b', 'a'], false)
        expect([...report.purged].sort()).toEqual(['a', 'b', 'bad'])
        expect(report.failed).toEqual([])
        expect(under.servesRefusingCache?.()).toBe(false)
      })
      return
    }

    it('reports a key the platform refuses, with a reason, instead of throwing', async () => {
      under.refuse('bad')
      const report = await under.purger.purge(['bad'], false)
      expect(report.purged).toEqual([])
      expect(report.failed).toHaveLength(1)
      expect(report.failed[0]?.key).toBe('bad')
      expect(report.failed[0]?.reason).toMatch(/\S/)
    })

    it('accounts for every key once, purged or failed, when one of them is refused', async () => {
      under.refuse('bad')
      const report = await under.purger.purge(['a', 'bad', 'b', 'a'], false)
      const failed = report.failed.map((failure) => failure.key)
      expect(failed).toContain('bad')
      expect([...report.purged, ...failed].sort()).toEqual(['a', 'b', 'bad'])
    })
  })
}
