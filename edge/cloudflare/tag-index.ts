/**
 * `TagIndex`: the surrogate-key index of the Cache API store, one Durable Object per cache
 * namespace (SQLite storage). It maps each surrogate key to the synthetic URLs of the entries
 * it tags, so a purge knows what to delete, and it is the zone-wide purge fence: every purge
 * is numbered here, and a fill may only make its entry visible if none of the entry's keys was
 * purged after the fill's mark (docs/cloudflare.md, "Publish, then pull: why no stale entry").
 *
 * Why one object: the Cache API cannot list or search what it holds, so something must
 * remember key → entries, and it must be the same for every isolate and every location (a
 * purge arriving in one isolate must find what another stored, and must fence the fills the
 * others have in flight). A Durable Object is the only strongly consistent store a Worker
 * has, and it runs one call at a time, which is what makes "register" and "take" ordered.
 * One object serialises every fill and purge of a zone, which is fine up to roughly a
 * thousand fills per second; beyond that, shard it by key (purge visits the shards of its
 * keys; a fill writes the shards of its keys and needs a mark from each).
 *
 * The index is global while the Cache API is per location: it names URLs stored anywhere,
 * and the worker that purges deletes them in its own location only (docs/cloudflare.md).
 * Soft purges do not change the entries: the mark lives on the cache entries themselves,
 * because lookups read only the cache and must never wait for this object. They are fences
 * like hard purges, though: a fill begun before a soft purge is not stored either.
 * @module
 */
import { DurableObject } from 'cloudflare:workers'

/**
 * How long a purge is remembered key by key. A fill whose mark is older than a forgotten
 * purge is refused whatever its keys, so forgetting can cost a store, never a stale entry;
 * isolates renew their mark every `MARK_MAX_AGE_MS` (cache-store.ts), far below this.
 */
export const PURGE_MEMORY_MS = 5 * 60_000

/** The schema; `until` lets a purge skip (and prune) entries no longer of any use. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (url TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_until ON entries (until);
CREATE TABLE IF NOT EXISTS tags (key TEXT NOT NULL, url TEXT NOT NULL, PRIMARY KEY (key, url)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_by_url ON tags (url);
CREATE TABLE IF NOT EXISTS purges (key TEXT PRIMARY KEY, generation INTEGER NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS purges_by_at ON purges (at);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`

/** What a purge found, and the generation it was given. */
export interface TakeAnswer {
  urls: string[]
  /** The purge's generation: every later purge has a higher one. */
  generation: number
}

/** Whether a fill's entry was indexed, and the newest generation (a fresh mark). */
export interface RegisterAnswer {
  stored: boolean
  generation: number
}

/** The surrogate-key index and purge fence (RPC methods called by `CacheApiStore`). */
export class TagIndex extends DurableObject {
  readonly #sql: SqlStorage
  /** Number of the last purge (0: none yet). */
  #generation: number
  /** Marks below this are refused whatever their keys: purges up to it were forgotten. */
  #forgotten: number

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env)
    this.#sql = ctx.storage.sql
    this.#sql.exec(SCHEMA)
    this.#generation = this.#counter('generation')
    this.#forgotten = this.#counter('forgotten')
  }

  /** The number of the last purge: a mark for fills that begin after this answer arrives. */
  mark(): number {
    return this.#generation
  }

  /**
   * Records that the entry at `url` is tagged with `keys` until `until` (epoch ms), unless a
   * purge of one of `keys` came after `mark` (the generation the filling isolate knew before
   * its origin fetch began): then the entry may hold pre-purge content and is refused.
   * `replaces`, a copy this one supersedes and already deleted from the cache, is forgotten
   * either way. `mark` null: no fence (direct use of the store, tests).
   */
  register(
    url: string,
    keys: readonly string[],
    until: number,
    mark: number | null,
    replaces?: string
  ): RegisterAnswer {
    if (replaces !== undefined) this.#drop(replaces)
    // An entry without keys is beyond any purge by key: nothing to fence.
    if (mark !== null && keys.length > 0 && !this.#unpurgedSince(mark, keys))
      return { stored: false, generation: this.#generation }
    this.#drop(url)
    if (keys.length > 0) {
      this.#sql.exec('INSERT INTO entries (url, until) VALUES (?, ?)', url, until)
      for (const key of new Set(keys))
        this.#sql.exec('INSERT OR IGNORE INTO tags (key, url) VALUES (?, ?)', key, url)
    }
    return { stored: true, generation: this.#generation }
  }

  /** Forgets entries that were removed (unsafe-method invalidation). */
  forget(urls: readonly string[]): void {
    for (const url of urls) this.#drop(url)
  }

  /**
   * A purge of `keys`: numbers it (fences every fill that began before), and answers the
   * URLs of the entries, still useful at `now`, tagged with any of `keys`. A hard purge also
   * forgets them under every key, so the next purge does not count them again.
   */
  take(keys: readonly string[], soft: boolean, now: number): TakeAnswer {
    this.#prune(now)
    const generation = this.#bump()
    const at = Date.now()
    const urls = new Set<string>()
    // One query per key: SQLite in Durable Objects binds at most 100 parameters per query.
    for (const key of new Set(keys)) {
      this.#sql.exec(
        'INSERT INTO purges (key, generation, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, at = excluded.at',
        key,
        generation,
        at
      )
      const rows = this.#sql.exec<{ url: string }>('SELECT url FROM tags WHERE key = ?', key)
      for (const row of rows) urls.add(row.url)
    }
    if (!soft) for (const url of urls) this.#drop(url)
    return { urls: [...urls], generation }
  }

  /** Number of indexed entries (for tests and stats). */
  size(): number {
    return this.#sql.exec<{ n: number }>('SELECT count(*) AS n FROM entries').one().n
  }

  /** Whether no purge of `keys` came after `mark`, as far as this object can still tell. */
  #unpurgedSince(mark: number, keys: readonly string[]): boolean {
    if (mark < this.#forgotten) return false
    for (const key of new Set(keys)) {
      const row = this.#sql
        .exec<{ generation: number }>('SELECT generation FROM purges WHERE key = ?', key)
        .toArray()[0]
      if (row && row.generation > mark) return false
    }
    return true
  }

  #bump(): number {
    this.#generation += 1
    this.#setCounter('generation', this.#generation)
    return this.#generation
  }

  #counter(name: string): number {
    const row = this.#sql
      .exec<{ value: number }>('SELECT value FROM counters WHERE name = ?', name)
      .toArray()[0]
    return row?.value ?? 0
  }

  #setCounter(name: string, value: number): void {
    this.#sql.exec(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      name,
      value
    )
  }

  #drop(url: string): void {
    this.#sql.exec('DELETE FROM tags WHERE url = ?', url)
    this.#sql.exec('DELETE FROM entries WHERE url = ?', url)
  }

  /** Drops expired entries, and purges older than `PURGE_MEMORY_MS` (raising the floor). */
  #prune(now: number): void {
    this.#sql.exec('DELETE FROM tags WHERE url IN (SELECT url FROM entries WHERE until <= ?)', now)
    this.#sql.exec('DELETE FROM entries WHERE until <= ?', now)
    // This object's own clock on both sides: no comparison with another machine's time.
    const before = Date.now() - PURGE_MEMORY_MS
    const old = this.#sql
      .exec<{ g: number | null }>('SELECT max(generation) AS g FROM purges WHERE at <= ?', before)
      .one().g
    if (old !== null && old > this.#forgotten) {
      this.#forgotten = old
      this.#setCounter('forgotten', old)
    }
    this.#sql.exec('DELETE FROM purges WHERE at <= ?', before)
  }
}
