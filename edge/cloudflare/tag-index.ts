/**
 * `TagIndex`: the surrogate-key index of the Cache API store, one Durable Object per cache
 * namespace (SQLite storage). It maps each surrogate key to the synthetic URLs of the entries
 * it tags, so a purge knows what to delete.
 *
 * Why one object: the Cache API cannot list or search what it holds, so something must
 * remember key → entries, and it must be the same for every isolate of a location (a purge
 * arriving in one isolate must find what another stored). A Durable Object is the only
 * strongly consistent store a Worker has. One object serialises every fill and purge of a
 * zone, which is fine up to roughly a thousand fills per second; beyond that, shard it by
 * key (purge visits the shards of its keys; a fill writes the shards of its keys).
 *
 * The index is global while the Cache API is per location: it names URLs stored anywhere,
 * and the worker that purges deletes them in its own location only (docs/cloudflare.md).
 * Soft purges do not change the index: the mark lives on the cache entries themselves,
 * because lookups read only the cache and must never wait for this object.
 * @module
 */
import { DurableObject } from 'cloudflare:workers'

/** The schema; `until` lets a purge skip (and prune) entries no longer of any use. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (url TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_until ON entries (until);
CREATE TABLE IF NOT EXISTS tags (key TEXT NOT NULL, url TEXT NOT NULL, PRIMARY KEY (key, url)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_by_url ON tags (url);
`

/** The surrogate-key index (RPC methods called by `CacheApiStore`). */
export class TagIndex extends DurableObject {
  readonly #sql: SqlStorage

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env)
    this.#sql = ctx.storage.sql
    this.#sql.exec(SCHEMA)
  }

  /**
   * Records that the entry at `url` is tagged with `keys` until `until` (epoch ms), replacing
   * what was recorded for it: a replacing entry is purged by its own keys, not the old ones.
   */
  register(url: string, keys: readonly string[], until: number): void {
    this.#drop(url)
    if (keys.length === 0) return
    this.#sql.exec('INSERT INTO entries (url, until) VALUES (?, ?)', url, until)
    for (const key of new Set(keys))
      this.#sql.exec('INSERT OR IGNORE INTO tags (key, url) VALUES (?, ?)', key, url)
  }

  /** Forgets entries that were removed (unsafe-method invalidation). */
  forget(urls: readonly string[]): void {
    for (const url of urls) this.#drop(url)
  }

  /**
   * The URLs of the entries, still useful at `now`, tagged with any of `keys`. A hard purge
   * also forgets them under every key, so the next purge does not count them again.
   */
  take(keys: readonly string[], soft: boolean, now: number): string[] {
    this.#prune(now)
    const urls = new Set<string>()
    // One query per key: SQLite in Durable Objects binds at most 100 parameters per query.
    for (const key of new Set(keys)) {
      const rows = this.#sql.exec<{ url: string }>('SELECT url FROM tags WHERE key = ?', key)
      for (const row of rows) urls.add(row.url)
    }
    if (!soft) for (const url of urls) this.#drop(url)
    return [...urls]
  }

  /** Number of indexed entries (for tests and stats). */
  size(): number {
    return this.#sql.exec<{ n: number }>('SELECT count(*) AS n FROM entries').one().n
  }

  #drop(url: string): void {
    this.#sql.exec('DELETE FROM tags WHERE url = ?', url)
    this.#sql.exec('DELETE FROM entries WHERE url = ?', url)
  }

  #prune(now: number): void {
    this.#sql.exec('DELETE FROM tags WHERE url IN (SELECT url FROM entries WHERE until <= ?)', now)
    this.#sql.exec('DELETE FROM entries WHERE until <= ?', now)
  }
}
