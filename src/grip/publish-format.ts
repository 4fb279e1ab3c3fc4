/**
 * The three publish formats, `http-response`, `http-stream` and `ws-message` (GRIP.md
 * §8.3, §4.2, §5.1, §7.5), after Pushpin's `PublishFormat::fromVariant`. Messages use
 * Pushpin's wording, e.g. `'http-stream' does not contain 'content' or 'content-bin'`.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { decodeBase64, textToByteString, utf8 } from './bytes.ts'
import { clientHeaderPairs } from './client-response.ts'
import {
  has,
  isHeaderValue,
  isIntegerIn,
  isJsonObject,
  type JsonObject,
  parseJsonHeaders,
} from './json-fields.ts'
import type {
  FormatName,
  HttpResponseFormat,
  HttpStreamFormat,
  PublishFormats,
  PublishProblem,
  WsMessageFormat,
  WsMessageType,
} from './publish-types.ts'
import { reasonPhrase } from './reason-phrase.ts'
import { fitsCloseReason, isSendableCloseCode } from './ws-close.ts'

type Action = 'send' | 'hint' | 'close' | 'refresh'
type Parsed<T> = Result<T | undefined, PublishProblem>

const problem = (field: string, message: string) => err({ field, message })
const isText = (value: unknown): value is string => typeof value === 'string'
const wrongType = (name: FormatName, path: string, key: string) =>
  problem(`${path}.${key}`, `'${name}' contains '${key}' with wrong type`)
const invalidValue = (name: FormatName, path: string, key: string) =>
  problem(`${path}.${key}`, `'${name}' contains '${key}' with invalid value`)

// Every format accepts every known action, as Pushpin does; one that has no meaning for
// the format (a `hint` to WebSockets, GRIP.md §7.5) is accepted and the format ignored.
function readAction(
  name: FormatName,
  body: JsonObject,
  path: string
): Result<Action, PublishProblem> {
  if (!has(body, 'action')) return ok('send')
  const { action } = body
  if (!isText(action)) return wrongType(name, path, 'action')
  if (action === 'send' || action === 'hint' || action === 'close' || action === 'refresh') {
    return ok(action)
  }
  // Pushpin answers an unknown action with an empty detail ("Invalid format: "); say why.
  return problem(`${path}.action`, `'${name}' contains 'action' with unknown value`)
}

/** `content-bin` (base64, preferred) or `content`, as bytes; `undefined` if neither is there. */
function readContent(
  name: FormatName,
  body: JsonObject,
  path: string,
  [binKey, textKey]: [string, string]
): Parsed<Uint8Array> {
  if (has(body, binKey)) {
    const value = body[binKey]
    if (!isText(value)) return wrongType(name, path, binKey)
    const bytes = decodeBase64(value)
    if (!bytes) return invalidValue(name, path, binKey)
    return ok(bytes)
  }
  if (!has(body, textKey)) return ok(undefined)
  const value = body[textKey]
  if (!isText(value)) return wrongType(name, path, textKey)
  return ok(utf8(value))
}

function readReason(name: FormatName, body: JsonObject, path: string): Parsed<string> {
  if (!has(body, 'reason')) return ok(undefined)
  const { reason } = body
  if (!isText(reason)) return wrongType(name, path, 'reason')
  if (!isHeaderValue(reason)) return invalidValue(name, path, 'reason')
  return ok(reason === '' ? undefined : textToByteString(reason))
}

/**
 * An `http-response` code: a JSON number, or a string of decimal digits. `@fanoutio/grip`
 * types `HttpResponseFormat.code` as a string and sends `"code": "201"`; Pushpin converts it
 * (Qt `toInt`). Pushpin also turns any other string into 0 and then writes an invalid status
 * line, so other strings are refused here instead.
 */
function readCode(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value)) return Number(value)
  return undefined
}

function parseHttpResponse(
  body: JsonObject,
  path: string,
  action: Action
): Parsed<HttpResponseFormat> {
  const name = 'http-response'
  if (action === 'hint') return ok({ action })
  if (action !== 'send') return ok(undefined)
  let code = 200
  if (has(body, 'code')) {
    const value = readCode(body.code)
    if (value === undefined) return wrongType(name, path, 'code')
    // 0-999 as in Pushpin: `"code": 1000` is refused (GRIP-CONFORMANCE item 66).
    if (!isIntegerIn(value, 0, 999)) return invalidValue(name, path, 'code')
    code = value
  }
  const reason = readReason(name, body, path)
  if (!reason.ok) return reason
  let headers: [string, string][] = []
  if (has(body, 'headers')) {
    const parsed = parseJsonHeaders(body.headers)
    if (!parsed.ok) {
      const { kind, detail } = parsed.error
      return problem(`${path}.headers`, `'${name}' contains 'headers' with ${kind}: ${detail}`)
    }
    // Published Grip-* headers never reach the client (GRIP.md §4.2, item 29), nor do framing
    // and hop-by-hop fields: the gateway frames what it sends (issue #12 item 5).
    headers = clientHeaderPairs(parsed.value)
  }
  const content = readContent(name, body, path, ['body-bin', 'body'])
  if (!content.ok) return content
  if (!content.value) {
    if (has(body, 'body-patch'))
      return problem(
        `${path}.body-patch`,
        `'${name}' contains 'body-patch', which is not supported`
      )
    return problem(path, `'${name}' does not contain 'body', 'body-bin', or 'body-patch'`)
  }
  const phrase = reason.value ?? reasonPhrase(code)
  return ok({ action, code, reason: phrase, headers, body: content.value })
}

function parseHttpStream(body: JsonObject, path: string, action: Action): Parsed<HttpStreamFormat> {
  const name = 'http-stream'
  if (action === 'hint' || action === 'close') return ok({ action })
  if (action !== 'send') return ok(undefined)
  const content = readContent(name, body, path, ['content-bin', 'content'])
  if (!content.ok) return content
  if (!content.value) return problem(path, `'${name}' does not contain 'content' or 'content-bin'`)
  return ok({ action, content: content.value })
}

function parseWsClose(body: JsonObject, path: string): Parsed<WsMessageFormat> {
  const name = 'ws-message'
  const close: WsMessageFormat = { action: 'close' }
  if (has(body, 'code')) {
    if (typeof body.code !== 'number') return wrongType(name, path, 'code')
    // Pushpin refuses only negatives; a code a socket cannot send would reach the client as
    // no code at all, so it is refused here with the same rule the socket is closed by.
    if (!isSendableCloseCode(body.code)) return invalidValue(name, path, 'code')
    close.code = body.code
  }
  if (has(body, 'reason')) {
    if (!isText(body.reason)) return wrongType(name, path, 'reason')
    if (!fitsCloseReason(body.reason)) return invalidValue(name, path, 'reason')
    if (body.reason !== '') close.reason = body.reason
  }
  return ok(close)
}

function parseWsMessage(body: JsonObject, path: string, action: Action): Parsed<WsMessageFormat> {
  const name = 'ws-message'
  if (action === 'refresh') return ok({ action })
  if (action === 'close') return parseWsClose(body, path)
  if (action !== 'send') return ok(undefined)
  let type: WsMessageType | undefined
  if (has(body, 'type')) {
    const value = body.type
    if (!isText(value)) return wrongType(name, path, 'type')
    if (value !== 'text' && value !== 'binary' && value !== 'ping' && value !== 'pong') {
      return problem(`${path}.type`, `'${name}' contains 'type' with unknown value`)
    }
    type = value
  }
  const content = readContent(name, body, path, ['content-bin', 'content'])
  if (!content.ok) return content
  // Pings and pongs may be empty; text and binary messages need content.
  if (!content.value && (type === undefined || type === 'text' || type === 'binary')) {
    return problem(path, `'${name}' does not contain 'content' or 'content-bin'`)
  }
  // Without `type`, `content-bin` sends binary and `content` text (GRIP.md §7.5).
  const fallback = has(body, 'content-bin') ? 'binary' : 'text'
  return ok({ action, type: type ?? fallback, content: content.value ?? new Uint8Array(0) })
}

/**
 * Parses one format object found at `path`. `ok(undefined)` means the format is valid
 * but carries an action it ignores, so the item simply lacks that format.
 */
export function parsePublishFormat(
  name: FormatName,
  value: unknown,
  path: string
): Result<PublishFormats[FormatName] | undefined, PublishProblem> {
  if (!isJsonObject(value)) return problem(path, `'${name}' is not an object`)
  const action = readAction(name, value, path)
  if (!action.ok) return action
  if (name === 'http-response') return parseHttpResponse(value, path, action.value)
  if (name === 'http-stream') return parseHttpStream(value, path, action.value)
  return parseWsMessage(value, path, action.value)
}
