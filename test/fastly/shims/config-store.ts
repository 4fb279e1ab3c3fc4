/**
 * In-memory `fastly:config-store` (js-compute 3.46 `types/config-store.d.ts`): stores are
 * seeded with `seedConfigStore`; a missing store throws a TypeError as on Fastly.
 * @module
 */
import { record } from './calls.ts'

const stores = new Map<string, Map<string, string>>()

/** Creates (or replaces) a config store. */
export function seedConfigStore(name: string, entries: Record<string, string>): void {
  stores.set(name, new Map(Object.entries(entries)))
}

/** Removes every seeded store. */
export function resetConfigStores(): void {
  stores.clear()
}

/** The shim class. */
export class ConfigStore {
  readonly #entries: Map<string, string>
  constructor(name: string) {
    const entries = stores.get(name)
    if (!entries) throw new TypeError(`ConfigStore constructor: no config store named ${name}`)
    this.#entries = entries
  }
  get(key: string): string | null {
    record('ConfigStore.get', key)
    return this.#entries.get(key) ?? null
  }
}
