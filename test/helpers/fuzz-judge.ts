/**
 * How the fuzz properties judge a gateway's answer against docs/errors.md: a 5xx must be one
 * the docs list for its code, a 4xx a problem document with a documented code, and an answer
 * relayed from the origin may carry a 5xx only when the origin asked for it.
 */
import { count, type Figures } from './fuzz.ts'

/** The documented 5xx answers (docs/errors.md) by code. */
const DOCUMENTED_5XX: Record<string, number> = {
  ORIGIN_UNREACHABLE: 502,
  ORIGIN_TIMEOUT: 504,
  GRIP_BAD_INSTRUCT: 502,
  CONNECTION_LIMIT: 503,
}

/** The codes docs/errors.md lists for 4xx answers. */
export const DOCUMENTED_4XX: Record<string, number> = {
  ROUTE_NOT_FOUND: 404,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYLOAD_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  GRIP_REQUEST_TOO_LARGE: 400,
}

/** A gateway answer as the properties judge it. */
export interface Judged {
  status: number
  /** The problem document's `code`, when the answer is `application/problem+json`. */
  code?: string
  /** Why the answer is not acceptable, or undefined when it is. */
  wrong?: string
}

/**
 * Reads an answer the gateway made itself (never one it relayed from the origin) and counts
 * it: a 5xx must be one docs/errors.md lists for its code, a 4xx a problem document with a
 * documented code. Reads the body.
 */
export async function judgeOwnAnswer(f: Figures, response: Response): Promise<Judged> {
  const status = response.status
  const isProblem = response.headers.get('content-type') === 'application/problem+json'
  const text = await response.text()
  let code: string | undefined
  if (isProblem) {
    try {
      code = (JSON.parse(text) as { code?: string }).code
    } catch {
      // Left undefined: judged wrong below.
    }
  }
  count(f, code === undefined ? String(status) : `${status} ${code}`)
  if (status >= 500) f.status5xx += 1
  let wrong: string | undefined
  if (status >= 500 && (code === undefined || DOCUMENTED_5XX[code] !== status)) {
    f.serverErrors += 1
    wrong = `undocumented ${status} ${code ?? 'without a problem document'}: ${text.slice(0, 300)}`
  } else if (status >= 400 && status < 500 && (code === undefined || !(code in DOCUMENTED_4XX))) {
    wrong = `4xx ${status} without a documented problem code: ${text.slice(0, 300)}`
  }
  return { status, code, wrong }
}

/** What the origin answered, for `judgeRelayed`. */
export interface OriginSaid {
  status: number
  headers: Record<string, string>
  body: Uint8Array
}

/**
 * Judges an answer to a client request the origin answered with `origin`: a problem document
 * as the gateway's own answer; otherwise a 5xx must be one the origin asked for (its status,
 * `Grip-Status` or instruct JSON) or Pushpin's plain-text 502. Reads a bounded start of the body.
 */
export async function judgeRelayed(
  f: Figures,
  response: Response,
  origin: OriginSaid,
  method = 'GET'
): Promise<Judged> {
  if (response.headers.get('content-type') === 'application/problem+json') {
    if (method !== 'HEAD') return judgeOwnAnswer(f, response)
    // A HEAD answer has no body to read the code from: judge by status (a 500 is INTERNAL).
    count(f, `${response.status} problem (HEAD)`)
    if (response.status < 500) return { status: response.status }
    f.status5xx += 1
    if (response.status !== 500) return { status: response.status }
    f.serverErrors += 1
    return { status: 500, wrong: 'a 500 problem to a HEAD request' }
  }
  const status = response.status
  if (status < 500) {
    count(f, `${Math.floor(status / 100)}xx relayed`)
    return { status }
  }
  f.status5xx += 1
  const asked = [
    String(origin.status),
    origin.headers['grip-status'] ?? '',
    new TextDecoder().decode(origin.body),
  ].join(' ')
  if (asked.includes(String(status))) {
    count(f, '5xx relayed')
    return { status }
  }
  // Pushpin's plain 502 for a status a response cannot carry. A stream hold keeps its status
  // line and streams its body under it (the head is built as for HEAD, so without the text).
  const plain = response.headers.get('content-type') === 'text/plain'
  if (status === 502 && plain) {
    count(f, '502 plain')
    return { status }
  }
  count(f, String(status))
  const text = await readSome(response, 300)
  f.serverErrors += 1
  return { status, wrong: `undocumented ${status}: ${text.slice(0, 300)}` }
}

/**
 * The start of a body, at most `max` bytes: a held stream never ends, so stop at `max`, or
 * when a read stays pending over many turns of the event loop (the stream is idle).
 */
async function readSome(response: Response, max: number): Promise<string> {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  const idle = Symbol('idle')
  while (size < max) {
    const next = await Promise.race([reader.read(), turnsThen(20, idle)])
    if (next === idle || next.done) break
    chunks.push(next.value)
    size += next.value.byteLength
  }
  await reader.cancel().catch(() => {})
  return new TextDecoder().decode(Buffer.concat(chunks)).slice(0, max)
}

async function turnsThen<T>(n: number, value: T): Promise<T> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve))
  return value
}
