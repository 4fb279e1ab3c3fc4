/**
 * Origin answers whose body was already whole in memory when the answer was handed over,
 * with those bytes and the reason phrase. An `Origin` may mark such an answer (Node does when
 * the body arrived with its head, as a GRIP instruction's usually does); the gateway then
 * takes the bytes as they are instead of reading a web stream, skips the idle timeout (there
 * is nothing left to wait for) and passes them on as bytes. Issue #18: on Node, the web
 * stream over the origin's answer (`Readable.toWeb`), the idle-timeout stream around it and
 * reading them back were the largest part of an uncached connect; reading `statusText` from
 * @hono/node-server's light Response builds a full undici one.
 *
 * Whoever takes the bytes is the body's only reader: a marked answer is never read both ways.
 * @module
 */
import { responseMark } from './response-mark.ts'

/** A marked answer's body and reason phrase. */
export interface WholeBody {
  /** The whole body: never to be modified. */
  bytes: Uint8Array<ArrayBuffer>
  statusText: string
}

const whole = responseMark<WholeBody>()

/** Marks `response` as carrying exactly `body`; returns it. */
export const markWholeBody: (response: Response, body: WholeBody) => Response = whole.mark

/** The whole body of `response`, when `markWholeBody` marked it. */
export const wholeBodyOf: (response: Response) => WholeBody | undefined = whole.of

/** A response over a whole body, marked as such: `headers` are used as they are (not copied). */
export function wholeBodyResponse(status: number, headers: Headers, body: WholeBody): Response {
  const response = new Response(body.bytes, { status, statusText: body.statusText, headers })
  return markWholeBody(response, body)
}
