/**
 * A `MemoryStore` shaped like a store shared by many processes (the Workers Cache API store):
 * it hands out fill marks, records the order of its calls, and its puts finish only when the
 * test opens the gate, as writes that outlast the response do.
 * @module
 */
import { MemoryStore } from '../../src/cache/memory-store.ts'
import type { FillMark, StoredResponse } from '../../src/cache/store.ts'

/** Marks count up from 1; `events` reads like `mark 1`, `put 1 done`. */
export class GatedStore extends MemoryStore {
  readonly events: string[] = []
  #marks = 0
  #open: Promise<void> = Promise.resolve()
  #release = () => {}

  /** Makes later puts wait until `open()`. */
  close(): void {
    this.#open = new Promise((resolve) => {
      this.#release = resolve
    })
  }

  open(): void {
    this.#release()
  }

  beginFill(): Promise<FillMark> {
    this.#marks += 1
    this.events.push(`mark ${this.#marks}`)
    return Promise.resolve(this.#marks)
  }

  override async put(entry: StoredResponse, mark?: FillMark): Promise<void> {
    this.events.push(`put ${mark ?? 'unmarked'}`)
    await this.#open
    await super.put(entry)
    this.events.push(`put ${mark ?? 'unmarked'} done`)
  }
}
