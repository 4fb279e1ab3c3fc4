/**
 * In-memory `fastly:secret-store` (js-compute 3.46 `types/secret-store.d.ts`): stores are
 * seeded with `seedSecretStore`; a missing store throws a TypeError as on Fastly.
 * @module
 */
import { record } from './calls.ts'

const stores = new Map<string, Map<string, string>>()

/** Creates (or replaces) a secret store. */
export function seedSecretStore(name: string, entries: Record<string, string>): void {
  stores.set(name, new Map(Object.entries(entries)))
}

/** Removes every seeded store. */
export function resetSecretStores(): void {
  stores.clear()
}

/** One secret. */
export class SecretStoreEntry {
  readonly #value: string
  constructor(value: string) {
    this.#value = value
  }
  plaintext(): string {
    return this.#value
  }
  rawBytes(): Uint8Array<ArrayBuffer> {
    return new TextEncoder().encode(this.#value) as Uint8Array<ArrayBuffer>
  }
}

/** The shim class. */
export class SecretStore {
  readonly #entries: Map<string, string>
  constructor(name: string) {
    const entries = stores.get(name)
    if (!entries) throw new TypeError(`SecretStore constructor: no secret store named ${name}`)
    this.#entries = entries
  }
  async get(key: string): Promise<SecretStoreEntry | null> {
    record('SecretStore.get', key)
    const value = this.#entries.get(key)
    return value === undefined ? null : new SecretStoreEntry(value)
  }
  static fromBytes(bytes: ArrayBufferView | ArrayBuffer): SecretStoreEntry {
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes
    return new SecretStoreEntry(new TextDecoder().decode(view))
  }
}
