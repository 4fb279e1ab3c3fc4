/**
 * What a held session needs from the proxy around it: a way back to the origin.
 * @module
 */

/** Grip-Last values by channel: the id the session last saw (GRIP.md §2.1 step 5). */
export type LastIds = Record<string, string>

/** The origin, as a held session reaches it again. */
export interface OriginAgain {
  /**
   * Replays the client's original request to the origin (never from the cache) with
   * `Grip-Last` lines, and handles the answer as a fresh one: it may hold again (§4.3).
   */
  replay(lastIds: LastIds): Promise<Response>
  /**
   * GETs a next link from the origin with `Grip-Last` lines and no client headers (§6.2);
   * the raw origin response, not interpreted.
   */
  fetchLink(url: URL, lastIds: LastIds): Promise<Response>
}
