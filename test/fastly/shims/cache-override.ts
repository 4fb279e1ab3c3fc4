/**
 * `fastly:cache-override` (js-compute 3.46 `types/cache-override.d.ts`): a plain record of
 * the mode and settings, with the same constructor forms (`(mode, init?)` or `(init)`, which
 * means `override`), so tests can read what a request would have asked the cache for.
 * @module
 */

/** `none` obeys the origin; `pass` bypasses the cache; `override` applies the settings. */
export type CacheOverrideMode = 'none' | 'pass' | 'override'

/** What the afterSend hook may return. */
export interface CacheOptions {
  cache?: boolean | 'uncacheable'
}

/** The settings; TTLs in seconds. */
export interface ICacheOverride {
  ttl?: number
  swr?: number
  surrogateKey?: string
  pci?: boolean
  beforeSend?: (request: Request) => void | PromiseLike<void>
  afterSend?: (
    response: Response
  ) => undefined | CacheOptions | PromiseLike<undefined | CacheOptions>
}

/** The shim class. */
export class CacheOverride implements ICacheOverride {
  mode: CacheOverrideMode
  ttl?: number
  swr?: number
  surrogateKey?: string
  pci?: boolean
  beforeSend?: ICacheOverride['beforeSend']
  afterSend?: ICacheOverride['afterSend']

  constructor(modeOrInit?: CacheOverrideMode | ICacheOverride, init?: ICacheOverride) {
    const settings = typeof modeOrInit === 'object' ? modeOrInit : init
    this.mode = typeof modeOrInit === 'string' ? modeOrInit : 'override'
    Object.assign(this, settings)
  }
}
