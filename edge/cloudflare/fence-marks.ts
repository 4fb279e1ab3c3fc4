/**
 * Fill marks on Workers: the newest purge generation this isolate has heard of from the
 * `TagIndex` (tag-index.ts), handed to a fill before its origin fetch begins.
 *
 * Why a number heard earlier is a sound mark: the index answered it after numbering every
 * purge up to it, and the isolate received the answer before the fetch began, so every purge
 * that can have come after the fetch began has a higher number, and the index refuses the
 * fill's entry if one of them named its keys. An old mark only refuses more (a key purged
 * between the answer and the fetch), so marks are reused, and renewed only when none was
 * heard for `MARK_MAX_AGE_MS`: fills cost a round trip to the index once per isolate and
 * idle period, not once each.
 * @module
 */
import type { FillMark } from '../../src/cache/store.ts'
import type { Clock } from '../../src/platform.ts'

/** A mark older than this is renewed before the fill (far below `PURGE_MEMORY_MS`). */
export const MARK_MAX_AGE_MS = 30_000

/** A mark older than every purge: what a fill gets when the index cannot be asked. */
export const BEFORE_EVERY_PURGE: FillMark = -1

/** The isolate's latest word from the index, and the fill marks drawn from it. */
export class FenceMarks {
  readonly #ask: () => Promise<number>
  readonly #clock: Pick<Clock, 'now'>
  #generation = BEFORE_EVERY_PURGE
  #heardAt = Number.NEGATIVE_INFINITY
  #asking: Promise<FillMark> | undefined

  /** `ask` fetches the index's current generation. */
  constructor(ask: () => Promise<number>, clock: Pick<Clock, 'now'>) {
    this.#ask = ask
    this.#clock = clock
  }

  /** Notes a generation the index answered (any call's answer is a valid later mark). */
  heard(generation: number): void {
    if (generation < this.#generation) return
    this.#generation = generation
    this.#heardAt = this.#clock.now()
  }

  /** The mark for a fill whose origin fetch begins once this resolves; never rejects. */
  mark(): Promise<FillMark> {
    const fresh = this.#clock.now() - this.#heardAt < MARK_MAX_AGE_MS
    if (this.#generation !== BEFORE_EVERY_PURGE && fresh) return Promise.resolve(this.#generation)
    // Fills beginning together share one question; each begins only after the answer came.
    this.#asking ??= this.#ask()
      .then(
        (generation) => {
          this.heard(generation)
          return this.#generation
        },
        () => BEFORE_EVERY_PURGE
      )
      .finally(() => {
        this.#asking = undefined
      })
    return this.#asking
  }
}
