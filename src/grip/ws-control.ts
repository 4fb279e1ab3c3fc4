/**
 * GRIP messages from the origin on a WebSocket session (GRIP.md §7.1, §7.4): the `grip`
 * extension that turns them on, `c:` control messages, and the message prefix. Control
 * objects are read as Pushpin's `WsControlMessage::fromVariant` reads them.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { byteStringToText, decodeBase64, strictUtf8, utf8 } from './bytes.ts'
import { clampSeconds, WS_KEEP_ALIVE_RANGE } from './durations.ts'
import { findParam, parseHeaderElement, splitHeaderList } from './header-params.ts'
import { has, isIntegerIn, isJsonObject, type JsonObject, show } from './json-fields.ts'
import type { WsMessageType } from './publish-types.ts'

/** The `keep-alive` control: no `content` turns keep-alives off (GRIP.md §7.4). */
export interface KeepAliveControl {
  type: 'keep-alive'
  content: Uint8Array | undefined
  messageType: WsMessageType
  timeoutSec: number
  mode: 'idle' | 'interval'
}

/** A control message the gateway acts on. */
export type WsControl =
  | {
      type: 'subscribe'
      channel: string
      filters?: string[]
      /** gripgate extension (issue #15): the id last seen, to resume from the channel history. */
      prevId?: string
    }
  | { type: 'unsubscribe'; channel: string }
  | { type: 'detach' }
  | KeepAliveControl
  | { type: 'set-meta'; name: string; value?: string }

/** What to do with one TEXT or BINARY message from the origin. */
export type OriginMessageAction =
  | { kind: 'control'; control: WsControl }
  | { kind: 'message'; type: 'TEXT' | 'BINARY'; content: Uint8Array }
  | { kind: 'drop'; reason: string }

/** The default message prefix when the origin enables GRIP (GRIP.md §7.1). */
export const DEFAULT_MESSAGE_PREFIX = 'm:'

/** Pushpin's `DEFAULT_WS_KEEPALIVE_TIMEOUT`, used when `timeout` is absent or 0. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_SEC = 55

const INT32_MAX = 2 ** 31 - 1
const isMessageType = (name: string): name is WsMessageType =>
  name === 'text' || name === 'binary' || name === 'ping' || name === 'pong'
const PUSHPIN_ONLY = new Set(['session', 'send-delayed', 'flush-delayed', 'auto-respond'])

/**
 * Reads the origin's `Sec-WebSocket-Extensions` (on the 101, or the WOH `OPEN` response):
 * `grip` enables GRIP with prefix `m:`, `grip; message-prefix="<p>"` sets the prefix and
 * `message-prefix=""` (or a bare `message-prefix`, as in Pushpin) means none. Names are
 * matched case-insensitively; an element with an unterminated quote is ignored, leaving
 * GRIP off as in Pushpin. When disabled the prefix is `""`: nothing is stripped (§7.1).
 */
export function parseGripExtension(secWebSocketExtensions: string | null): {
  enabled: boolean
  prefix: string
} {
  if (secWebSocketExtensions === null) return { enabled: false, prefix: '' }
  for (const part of splitHeaderList(secWebSocketExtensions)) {
    const element = parseHeaderElement(part)
    if (element?.value.toLowerCase() !== 'grip') continue
    const param = findParam(element.params, 'message-prefix')
    const prefix = param ? byteStringToText(param.value ?? '') : DEFAULT_MESSAGE_PREFIX
    return { enabled: true, prefix }
  }
  return { enabled: false, prefix: '' }
}

const CONTROL_PREFIX = utf8('c:')

const startsWith = (bytes: Uint8Array, prefix: Uint8Array): boolean =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte)

/**
 * Decides what a TEXT or BINARY message from a GRIP-enabled origin means (GRIP.md §7.1):
 * TEXT starting with `c:` is a control message; anything else must start with `prefix`
 * (`""` for none), which is stripped. Unprefixed messages and control messages that are
 * invalid, unknown or Pushpin-only are dropped, with the reason for logs.
 */
export function interpretOriginMessage(
  message: { type: 'TEXT' | 'BINARY'; content: Uint8Array },
  prefix: string
): OriginMessageAction {
  const { type, content } = message
  if (type === 'TEXT' && startsWith(content, CONTROL_PREFIX)) {
    const control = parseControlMessage(content.subarray(CONTROL_PREFIX.length))
    return control.ok
      ? { kind: 'control', control: control.value }
      : { kind: 'drop', reason: control.error }
  }
  const prefixBytes = utf8(prefix)
  if (!startsWith(content, prefixBytes)) {
    return { kind: 'drop', reason: `${type} message does not start with prefix ${show(prefix)}` }
  }
  return { kind: 'message', type, content: content.slice(prefixBytes.length) }
}

/**
 * Parses the JSON after `c:` (GRIP.md §7.4). It must be a JSON object with a string
 * `type`; field errors use Pushpin's wording ("contains 'channel' with invalid value").
 */
export function parseControlMessage(json: Uint8Array): Result<WsControl, string> {
  let value: unknown
  try {
    value = JSON.parse(strictUtf8.decode(json))
  } catch {
    return err('control message is not valid UTF-8 JSON')
  }
  if (!isJsonObject(value)) return err('control message is not a JSON object')
  const type = value.type
  if (typeof type !== 'string') return err("control message has no string 'type'")
  switch (type) {
    case 'subscribe':
    case 'unsubscribe':
      return parseChannelControl(value, type)
    case 'detach':
      return ok({ type })
    case 'keep-alive':
      return parseKeepAlive(value)
    case 'set-meta':
      return parseSetMeta(value)
  }
  if (PUSHPIN_ONLY.has(type)) return err(`control type ${show(type)} is not supported`)
  return err(`'type' contains unknown value: ${show(type)}`)
}

/** An optional field that must be a string when present. */
function optionalString(object: JsonObject, key: string): Result<string | undefined, string> {
  if (!has(object, key)) return ok(undefined)
  const value = object[key]
  return typeof value === 'string' ? ok(value) : err(`contains '${key}' with wrong type`)
}

function parseChannelControl(
  object: JsonObject,
  type: 'subscribe' | 'unsubscribe'
): Result<WsControl, string> {
  const channel = object.channel
  if (typeof channel !== 'string') return err(`${type} has no string 'channel'`)
  if (channel === '') return err(`${type} contains 'channel' with invalid value`)
  if (type === 'unsubscribe') return ok({ type, channel })
  const prevId = optionalString(object, 'prev-id')
  if (!prevId.ok) return err(`subscribe ${prevId.error}`)
  const control: WsControl = { type, channel }
  if (prevId.value !== undefined && prevId.value !== '') control.prevId = prevId.value
  if (!has(object, 'filters')) return ok(control)
  const filters = object.filters
  if (!Array.isArray(filters)) return err("subscribe contains 'filters' with wrong type")
  if (!filters.every((filter) => typeof filter === 'string')) {
    return err('filters contains value with wrong type')
  }
  control.filters = filters
  return ok(control)
}

function parseSetMeta(object: JsonObject): Result<WsControl, string> {
  const name = object.name
  if (typeof name !== 'string') return err("set-meta has no string 'name'")
  if (name === '') return err("set-meta contains 'name' with invalid value")
  const value = optionalString(object, 'value')
  if (!value.ok) return err(`set-meta ${value.error}`)
  return ok(
    value.value === undefined
      ? { type: 'set-meta', name }
      : { type: 'set-meta', name, value: value.value }
  )
}

function parseKeepAlive(object: JsonObject): Result<WsControl, string> {
  const fail = (problem: string) => err(`keep-alive ${problem}`)
  const messageType = optionalString(object, 'message-type')
  if (!messageType.ok) return fail(messageType.error)
  const typeName = messageType.value ?? 'text'
  if (!isMessageType(typeName)) return fail("contains 'message-type' with unknown value")
  // `content-bin` wins over `content` when both are present, as in Pushpin.
  let content: Uint8Array | undefined
  if (has(object, 'content-bin')) {
    const bin = object['content-bin']
    if (typeof bin !== 'string') return fail("contains 'content-bin' with wrong type")
    content = decodeBase64(bin)
    if (!content) return fail("contains 'content-bin' that is not valid base64")
  } else {
    const text = optionalString(object, 'content')
    if (!text.ok) return fail(text.error)
    content = text.value === undefined ? undefined : utf8(text.value)
  }
  // Pushpin reads `timeout` only with content, and treats 0 as the default.
  let timeoutSec = DEFAULT_KEEP_ALIVE_TIMEOUT_SEC
  if (content && has(object, 'timeout')) {
    const timeout = object.timeout
    if (!isIntegerIn(timeout, 0, INT32_MAX)) return fail("contains 'timeout' with invalid value")
    if (timeout > 0) timeoutSec = clampSeconds(timeout, WS_KEEP_ALIVE_RANGE)
  }
  // Pushpin takes any mode string other than `interval` as `idle`.
  const mode = optionalString(object, 'mode')
  if (!mode.ok) return fail(mode.error)
  return ok({
    type: 'keep-alive',
    content,
    messageType: typeName,
    timeoutSec,
    mode: mode.value === 'interval' ? 'interval' : 'idle',
  })
}
