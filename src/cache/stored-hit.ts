/**
 * Responses that are a stored entry's whole answer to a plain GET (a quick hit,
 * quick-hit.ts), marked with the entry they came from. A later step that derives something
 * from such a response (the GRIP proxy parsing an instruction) can then keep it with the
 * entry and skip the work on the next hit: the entry is the same object for as long as the
 * store keeps it, and only the per-hit fields differ between its answers.
 * @module
 */
import { responseMark } from '../http/response-mark.ts'
import type { StoredResponse } from './store.ts'

/** A stored entry's answer: the entry, and the answer's header fields (lowercase names). */
export interface StoredHit {
  entry: StoredResponse
  headers: Readonly<Record<string, string>>
}

/** Fields whose values change from one hit of an entry to the next (respond.ts, quick-hit.ts). */
export const PER_HIT_FIELDS: ReadonlySet<string> = new Set(['age', 'x-cache', 'cache-status'])

const hits = responseMark<StoredHit>()

/** Marks `response` as `hit.entry`'s whole answer; returns it. */
export const markStoredHit: (response: Response, hit: StoredHit) => Response = hits.mark

/** The entry `response` is the whole answer of, when `markStoredHit` marked it. */
export const storedHitOf: (response: Response) => StoredHit | undefined = hits.of
