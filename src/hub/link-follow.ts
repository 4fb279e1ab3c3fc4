/**
 * Following a `Grip-Link: <…>; rel=next` (GRIP.md §6): GET it from the origin, and read what
 * the answer means for the stream it continues.
 * @module
 */
import type { LastIds, OriginAgain } from '../fanout.ts'
import { isGripResponse, parseInstruct } from '../grip/instruct.ts'
import type { Instruct } from '../grip/types.ts'
import { readUpTo } from '../http/body.ts'

/** What a next link said. */
export type LinkOutcome =
  /** Append `body`, then continue with `instruct` (a stream hold, or paging on). */
  | { kind: 'continue'; body: Uint8Array; instruct: Instruct }
  /** Append `body`, then end the response. */
  | { kind: 'end'; body: Uint8Array }
  | { kind: 'failed'; reason: string }

/** Largest next-link body read into memory. */
const MAX_LINK_BODY = 1_000_000

/** GETs `url` and interprets the answer; never rejects. `signal` aborts the fetch. */
export async function followLink(
  origin: OriginAgain,
  url: URL,
  lastIds: LastIds,
  signal?: AbortSignal
): Promise<LinkOutcome> {
  let response: Response
  try {
    response = await origin.fetchLink(url, lastIds, signal)
  } catch (error) {
    return { kind: 'failed', reason: String(error) }
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel()
    return { kind: 'failed', reason: `next link answered ${response.status}` }
  }
  // Read with a bound: a link answered by an endless stream must not grow memory forever.
  let bytes: Uint8Array | undefined
  try {
    bytes = await readUpTo(response, MAX_LINK_BODY)
  } catch (error) {
    return { kind: 'failed', reason: String(error) }
  }
  if (bytes === undefined) return { kind: 'failed', reason: 'next link body too large' }
  if (!isGripResponse(response.status, response.headers)) return { kind: 'end', body: bytes }
  const parsed = parseInstruct(response.status, response.headers, bytes)
  if (!parsed.ok) return { kind: 'failed', reason: parsed.error }
  const instruct = parsed.value
  if (instruct.hold === 'response')
    return { kind: 'failed', reason: 'a next link may not answer with a response hold' }
  if (instruct.hold === 'none' && !instruct.nextLink)
    return { kind: 'end', body: instruct.response.body }
  return { kind: 'continue', body: instruct.response.body, instruct }
}
