/**
 * The JSON form of a GRIP instruction, `Content-Type: application/grip-instruct`
 * (GRIP.md §3.4). It is read on top of the header form, as Pushpin does: `Grip-Link`
 * still comes from the headers (there is no JSON form for links), JSON `hold` fields
 * override, JSON channels are added to header ones, and the client response is built
 * from `response` alone.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { decodeBase64, strictUtf8, textToByteString, utf8 } from './bytes.ts'
import { clientHeaderPairs } from './client-response.ts'
import { clampSeconds, HOLD_TIMEOUT_RANGE, KEEP_ALIVE_RANGE } from './durations.ts'
import { DEFAULT_KEEP_ALIVE_SEC, isDroppedHeader } from './instruct-headers.ts'
import {
  has,
  isHeaderValue,
  isIntegerIn,
  isJsonObject,
  type JsonObject,
  parseJsonHeaders,
  show,
} from './json-fields.ts'
import { reasonPhrase } from './reason-phrase.ts'
import type { Instruct, InstructChannel, InstructResponse, KeepAlive } from './types.ts'

const INT_MAX = 2 ** 31 - 1
const fail = (field: string, problem: string) => err(`${field}: ${problem}`)
const text = (value: unknown): value is string => typeof value === 'string'
const notCount = (field: string, value: unknown) =>
  fail(field, `expected a non-negative integer, got ${show(value)}`)

function parseChannels(value: unknown): Result<InstructChannel[], string> {
  if (!Array.isArray(value)) return fail('hold.channels', 'expected an array')
  const channels: InstructChannel[] = []
  for (const [i, entry] of value.entries()) {
    const at = `hold.channels[${i}]`
    if (!isJsonObject(entry)) return fail(at, 'expected an object')
    const { name, filters = [] } = entry
    if (!text(name) || name === '') return fail(`${at}.name`, 'expected a non-empty string')
    const prevId = entry['prev-id']
    if (prevId !== undefined && !text(prevId)) return fail(`${at}.prev-id`, 'expected a string')
    if (!Array.isArray(filters) || !filters.every(text)) {
      return fail(`${at}.filters`, 'expected an array of strings')
    }
    const channel: InstructChannel = { name, filters }
    if (prevId) channel.prevId = prevId
    channels.push(channel)
  }
  return ok(channels)
}

function parseKeepAlive(value: unknown): Result<KeepAlive | undefined, string> {
  if (!isJsonObject(value)) return fail('hold.keep-alive', 'expected an object')
  let data: Uint8Array = new Uint8Array(0)
  if (has(value, 'content-bin')) {
    const decoded = text(value['content-bin']) ? decodeBase64(value['content-bin']) : undefined
    if (!decoded) return fail('hold.keep-alive.content-bin', 'expected a base64 string')
    data = decoded
  } else if (has(value, 'content')) {
    if (!text(value.content)) return fail('hold.keep-alive.content', 'expected a string')
    data = utf8(value.content)
  }
  let timeoutSec = DEFAULT_KEEP_ALIVE_SEC
  if (has(value, 'timeout')) {
    if (!isIntegerIn(value.timeout, 0, INT_MAX))
      return notCount('hold.keep-alive.timeout', value.timeout)
    timeoutSec = clampSeconds(value.timeout, KEEP_ALIVE_RANGE)
  }
  // No data means no keep-alive. The JSON form cannot choose a mode, and Pushpin 1.36
  // does not restart this timer on data, so it behaves as `interval` (GRIP.md §3.4).
  return ok(data.length > 0 ? { data, timeoutSec, mode: 'interval' } : undefined)
}

function parseMeta(value: unknown): Result<Record<string, string>, string> {
  if (!isJsonObject(value)) return fail('hold.meta', 'expected an object')
  for (const [key, entry] of Object.entries(value)) {
    if (!text(entry)) return fail(`hold.meta[${show(key)}]`, 'expected a string')
  }
  return ok(value as Record<string, string>)
}

function applyHold(instruct: Instruct, hold: JsonObject): Result<Instruct, string> {
  const next: Instruct = { ...instruct }
  // A `hold` without `mode` is a response hold (GRIP.md §3.4).
  const mode = has(hold, 'mode') ? hold.mode : 'response'
  if (mode !== 'response' && mode !== 'stream') {
    return fail('hold.mode', `expected "response" or "stream", got ${show(mode)}`)
  }
  next.hold = mode
  if (!has(hold, 'channels')) return fail('hold.channels', 'required')
  const channels = parseChannels(hold.channels)
  if (!channels.ok) return channels
  next.channels = [...instruct.channels, ...channels.value]
  if (has(hold, 'timeout')) {
    if (!isIntegerIn(hold.timeout, 0, INT_MAX)) return notCount('hold.timeout', hold.timeout)
    next.timeoutSec = clampSeconds(hold.timeout, HOLD_TIMEOUT_RANGE)
  }
  if (has(hold, 'keep-alive')) {
    const keepAlive = parseKeepAlive(hold['keep-alive'])
    if (!keepAlive.ok) return keepAlive
    delete next.keepAlive
    if (keepAlive.value) next.keepAlive = keepAlive.value
  }
  if (has(hold, 'meta')) {
    const meta = parseMeta(hold.meta)
    if (!meta.ok) return meta
    next.meta = Object.fromEntries([
      ...Object.entries(instruct.meta),
      ...Object.entries(meta.value),
    ])
  }
  return ok(next)
}

function parseResponse(value: unknown, base: InstructResponse): Result<InstructResponse, string> {
  if (!isJsonObject(value)) return fail('response', 'expected an object')
  const out: InstructResponse = { ...base }
  if (has(value, 'code')) {
    if (!isIntegerIn(value.code, 0, 999)) {
      return fail('response.code', `expected an integer 0-999, got ${show(value.code)}`)
    }
    // A given code re-derives the reason unless `reason` is given too (GRIP.md §3.4).
    out.code = value.code
    out.reason = reasonPhrase(value.code)
  }
  if (has(value, 'reason')) {
    if (!text(value.reason) || !isHeaderValue(value.reason)) {
      return fail('response.reason', 'expected a string without CR, LF or NUL')
    }
    if (value.reason !== '') out.reason = textToByteString(value.reason)
  }
  if (has(value, 'headers')) {
    const headers = parseJsonHeaders(value.headers)
    if (!headers.ok) return fail('response.headers', headers.error.detail)
    out.headers = clientHeaderPairs(headers.value, isDroppedHeader)
  }
  // `body-bin` (base64) takes priority over `body` (GRIP.md §3.4).
  if (has(value, 'body-bin')) {
    const body = text(value['body-bin']) ? decodeBase64(value['body-bin']) : undefined
    if (!body) return fail('response.body-bin', 'expected a base64 string')
    out.body = body
  } else if (has(value, 'body')) {
    if (!text(value.body)) return fail('response.body', 'expected a string')
    out.body = utf8(value.body)
  }
  return ok(out)
}

/**
 * Applies an `application/grip-instruct` body to the instruction read from the headers.
 * `status` is the origin's own status, which must be 200 (GRIP-CONFORMANCE item 17).
 */
export function applyInstructJson(
  fromHeaders: Instruct,
  status: number,
  body: Uint8Array
): Result<Instruct, string> {
  const where = 'application/grip-instruct'
  if (status !== 200) return fail(where, `expected status 200, got ${status}`)
  let doc: unknown
  try {
    doc = JSON.parse(strictUtf8.decode(body))
  } catch {
    return fail(where, 'body is not valid JSON')
  }
  if (!isJsonObject(doc)) return fail(where, 'body is not a JSON object')
  let instruct = fromHeaders
  if (has(doc, 'hold')) {
    if (!isJsonObject(doc.hold)) return fail('hold', 'expected an object')
    const held = applyHold(instruct, doc.hold)
    if (!held.ok) return held
    instruct = held.value
  }
  // The instruct response's own headers and body never reach the client (item 20): only
  // `response` does, on top of the status line the headers gave (status or Grip-Status).
  const base = { ...fromHeaders.response, headers: [], body: new Uint8Array(0) }
  if (!has(doc, 'response')) return ok({ ...instruct, response: base })
  const response = parseResponse(doc.response, base)
  if (!response.ok) return response
  return ok({ ...instruct, response: response.value })
}
