/**
 * The `CacheStore` seam on the Cache API (`caches.default`), with the surrogate-key index and
 * zone-wide purge fence in the `TagIndex` Durable Object and, when configured, the zone
 * purge-by-tag API for the other locations. What is purged where is in docs/cloudflare.md.
 *
 * The Cache API is per location and cannot be listed, so this store keeps, per location,
 * framed entries and one list of variants per resource (cache-entry.ts), and asks the index
 * which entries a surrogate key names. Lookups read the cache only; fills and purges also
 * talk to the index.
 *
 * A put writes a new copy under its own URL, has the index accept it (no purge of its keys
 * since the fill's mark), and only then names it in the variant list, which is what lookups
 * read: an entry is visible only once any later purge will find it, and a refused copy is
 * never visible (docs/cloudflare.md, "Publish, then pull: why no stale entry").
 * @module
 */
import {
  type CacheStore,
  entrySize,
  type FillMark,
  type PurgeResult,
  type StoredResponse,
} from '../../src/cache/store.ts'
import type { Clock, Logger, WaitUntil } from '../../src/platform.ts'
import type { Purger } from '../../src/purge/purger.ts'
import {
  decodeEntry,
  encodeEntry,
  listUrl,
  parseVariantList,
  type VariantList,
  variantUrl,
} from './cache-entry.ts'
import { cacheTagHeader, cacheTagsFor } from './cache-tags.ts'
import { FenceMarks } from './fence-marks.ts'
import type { RegisterAnswer, TakeAnswer } from './tag-index.ts'

/** What the store needs from the tag index (the `TagIndex` stub, or a fake). */
export interface TagIndexClient {
  mark(): Promise<number>
  register(
    url: string,
    keys: string[],
    until: number,
    mark: FillMark | null,
    replaces?: string
  ): Promise<RegisterAnswer>
  forget(urls: string[]): Promise<void>
  take(keys: string[], soft: boolean, now: number): Promise<TakeAnswer>
}

/** Dependencies of a Cache API store. */
export interface CacheApiStoreOptions {
  /** `caches.default` in production. */
  cache: Cache
  index: TagIndexClient
  /** Prefix of every synthetic URL; a new namespace starts an empty cache. */
  namespace: string
  /** Entries larger than this (`entrySize`) are not stored. */
  maxObjectBytes: number
  /** Turns `usefulUntil` into a Cache API TTL and dates index pruning. */
  clock: Pick<Clock, 'now'>
  logger: Logger
  /** Keeps a fill's writes alive after the response is sent (the core does not wait for them). */
  waitUntil: WaitUntil
  /** Purges the other locations (the zone purge-by-tag API); absent: this location only. */
  zonePurger?: Purger
}

/** A `CacheStore` over the Cache API of the current location. */
export class CacheApiStore implements CacheStore {
  readonly #o: CacheApiStoreOptions
  readonly #marks: FenceMarks

  constructor(options: CacheApiStoreOptions) {
    this.#o = options
    this.#marks = new FenceMarks(() => options.index.mark(), options.clock)
  }

  beginFill(): Promise<FillMark> {
    return this.#marks.mark()
  }

  async lookup(primaryKey: string, now: number): Promise<StoredResponse[]> {
    const list = await this.#readList(primaryKey)
    const live = list.variants.filter((ref) => ref.until > now)
    const entries = await Promise.all(live.map((ref) => this.#readEntry(ref.url)))
    return entries
      .filter((entry): entry is StoredResponse => !!entry && entry.usefulUntil > now)
      .sort((a, b) => b.policy.t - a.policy.t)
  }

  put(entry: StoredResponse, mark?: FillMark): Promise<void> {
    const work = this.#put(entry, mark)
    // A background fill (stale-while-revalidate, a drained body) stores after its response is
    // done: on Workers the request's I/O is then cancelled unless waitUntil holds it open.
    this.#o.waitUntil(work.catch(() => undefined))
    return work
  }

  async invalidate(primaryKey: string): Promise<number> {
    const list = await this.#readList(primaryKey)
    if (list.variants.length === 0) return 0
    const deleted = await Promise.all(list.variants.map((ref) => this.#o.cache.delete(ref.url)))
    await this.#o.cache.delete(await listUrl(this.#o.namespace, primaryKey))
    const tagged = list.variants.filter((ref) => ref.tagged).map((ref) => ref.url)
    if (tagged.length > 0) await this.#o.index.forget(tagged)
    return deleted.filter(Boolean).length
  }

  async purge(keys: readonly string[], soft: boolean): Promise<PurgeResult> {
    if (keys.length === 0) return { purged: 0 }
    let urls: string[] = []
    let indexError: unknown
    try {
      const taken = await this.#o.index.take([...keys], soft, this.#o.clock.now())
      this.#marks.heard(taken.generation)
      urls = taken.urls
      await Promise.all(urls.map((url) => (soft ? this.#markSoft(url) : this.#o.cache.delete(url))))
    } catch (error) {
      indexError = error
    }
    // The other locations even when this one failed: there the purge can still succeed.
    if (this.#o.zonePurger) {
      const report = await this.#o.zonePurger.purge(keys, soft)
      if (report.failed.length > 0) {
        this.#o.logger.warn('zone purge failed for some keys', {
          failed: report.failed,
          purged: report.purged,
        })
      }
    }
    if (indexError)
      throw new Error(`tag index unavailable: ${String(indexError)}`, { cause: indexError })
    return { purged: urls.length }
  }

  async #put(entry: StoredResponse, mark: FillMark | undefined): Promise<void> {
    if (entrySize(entry) > this.#o.maxObjectBytes) return
    const now = this.#o.clock.now()
    const ttl = Math.ceil((entry.usefulUntil - now) / 1000)
    if (ttl <= 0) return
    const { namespace, cache, index } = this.#o
    // A new copy: nothing reads it before the variant list names it (below).
    const url = await variantUrl(namespace, entry.primaryKey, entry.variantKey, randomCopyId())
    await cache.put(url, await this.#entryResponse(entry, ttl))

    const list = await this.#readList(entry.primaryKey)
    const previous = list.variants.find((ref) => ref.variantKey === entry.variantKey)
    const tagged = entry.surrogateKeys.length > 0
    // The replaced copy goes from the cache before the index forgets it: a list written at the
    // same time by another fill may still name it, and a copy in the cache must stay purgeable.
    if (previous) await cache.delete(previous.url)
    if (tagged || previous?.tagged) {
      // After the copy is in the cache: once accepted, any later purge finds it and deletes
      // it. Refused, it may hold content a purge replaced: it is dropped unseen.
      const answer = await index.register(
        url,
        entry.surrogateKeys,
        entry.usefulUntil,
        mark ?? null,
        previous?.tagged ? previous.url : undefined
      )
      this.#marks.heard(answer.generation)
      if (!answer.stored) {
        this.#o.logger.debug('fill fenced by a later purge: not stored', {
          key: entry.primaryKey,
        })
        await cache.delete(url)
        return
      }
    }
    list.variants = [
      { variantKey: entry.variantKey, url, until: entry.usefulUntil, tagged },
      ...list.variants.filter((ref) => ref.variantKey !== entry.variantKey && ref.until > now),
    ]
    await this.#writeList(entry.primaryKey, list, now)
  }

  async #entryResponse(entry: StoredResponse, ttl: number): Promise<Response> {
    const headers = new Headers({
      'content-type': 'application/octet-stream',
      'cache-control': `public, max-age=${ttl}`,
    })
    if (entry.surrogateKeys.length > 0) {
      const { value, dropped } = cacheTagHeader(await cacheTagsFor(entry.surrogateKeys))
      headers.set('cache-tag', value)
      if (dropped.length > 0)
        this.#o.logger.warn('Cache-Tag full: tags only purged in this location', { dropped })
    }
    return new Response(encodeEntry(entry), { headers })
  }

  /** Soft purge in this location: the entry stays, marked so the core revalidates it. */
  async #markSoft(url: string): Promise<void> {
    const entry = await this.#readEntry(url)
    if (!entry) return
    const ttl = Math.ceil((entry.usefulUntil - this.#o.clock.now()) / 1000)
    if (ttl <= 0) return
    await this.#o.cache.put(url, await this.#entryResponse({ ...entry, softPurged: true }, ttl))
  }

  async #readEntry(url: string): Promise<StoredResponse | undefined> {
    const response = await this.#o.cache.match(url)
    if (!response) return undefined
    return decodeEntry(new Uint8Array(await response.arrayBuffer()))
  }

  async #readList(primaryKey: string): Promise<VariantList> {
    const response = await this.#o.cache.match(await listUrl(this.#o.namespace, primaryKey))
    return response ? parseVariantList(await response.text()) : { variants: [] }
  }

  async #writeList(primaryKey: string, list: VariantList, now: number): Promise<void> {
    const until = Math.max(...list.variants.map((ref) => ref.until))
    const ttl = Math.ceil((until - now) / 1000)
    await this.#o.cache.put(
      await listUrl(this.#o.namespace, primaryKey),
      new Response(JSON.stringify(list), {
        headers: { 'content-type': 'application/json', 'cache-control': `public, max-age=${ttl}` },
      })
    )
  }
}

/** A name for one stored copy, unique across isolates and locations. */
function randomCopyId(): string {
  return crypto.randomUUID()
}
