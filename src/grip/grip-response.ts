/**
 * Telling a GRIP instruction from a plain origin response (GRIP.md §2.2). Kept apart from
 * the instruction parser so a platform that only needs the test (Fastly, where Fanout acts
 * on the instructions) does not pull the parser in.
 * @module
 */

/** The media type of the JSON instruction form (GRIP.md §3.4). */
export const GRIP_INSTRUCT_TYPE = 'application/grip-instruct'

/** Pushpin's `connection_subscription_max` default (GRIP.md §3.2 `Grip-Channel`). */
export const DEFAULT_MAX_CHANNELS = 20

/** Whether the media type of `Content-Type`, parameters removed, is `application/grip-instruct`. */
export function isInstructType(headers: Headers): boolean {
  const contentType = headers.get('content-type')
  if (contentType === null) return false
  const semi = contentType.indexOf(';')
  const mediaType = (semi === -1 ? contentType : contentType.slice(0, semi)).trim()
  // Media types are case-insensitive (RFC 9110 §8.3.1); Pushpin compares exactly.
  return mediaType.toLowerCase() === GRIP_INSTRUCT_TYPE
}

/**
 * Whether an origin response is a GRIP instruction (GRIP.md §2.2): any header named
 * `Grip-*`, or the `application/grip-instruct` media type. Anything else goes to the
 * client unchanged. `_status` plays no part, as in Pushpin; parseInstruct checks it.
 */
export function isGripResponse(_status: number, headers: Headers): boolean {
  let grip = false
  headers.forEach((_value, name) => {
    if (name.startsWith('grip-')) grip = true
  })
  return grip || isInstructType(headers)
}

/**
 * Responses the gateway built itself and knows carry no instruction (quick cache hits of
 * plain responses): the GRIP step passes them on without reading their headers again.
 */
const knownPlain = new WeakSet<Response>()

/** Marks `response` as known to carry no GRIP instruction; returns it. */
export function markPlain(response: Response): Response {
  knownPlain.add(response)
  return response
}

/** Whether `markPlain` marked `response`. */
export function isMarkedPlain(response: Response): boolean {
  return knownPlain.has(response)
}

/** `isGripResponse` for a response, skipping the ones marked plain. */
export function isGripAnswer(response: Response): boolean {
  return !knownPlain.has(response) && isGripResponse(response.status, response.headers)
}
