/**
 * The header form of a GRIP instruction: `Grip-*` response headers (GRIP.md §3.2, §3.3).
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { byteStringToText } from './bytes.ts'
import { clientHeaderPairs, isFramingOrHopHeader } from './client-response.ts'
import { clampSeconds, HOLD_TIMEOUT_RANGE, KEEP_ALIVE_RANGE } from './durations.ts'
import { parseLinks } from './grip-link.ts'
import {
  findParam,
  type HeaderElement,
  parseHeaderElement,
  parseHeaderList,
  parseHeaderParamsList,
  parseNonNegativeInt,
  splitHeaderList,
} from './header-params.ts'
import { show } from './json-fields.ts'
import { decodeKeepAliveData, isKeepAliveFormat } from './keep-alive-data.ts'
import { reasonPhrase } from './reason-phrase.ts'
import type { HoldMode, Instruct, InstructChannel, KeepAlive, StatusLine } from './types.ts'

/** Response-hold timeout default, in seconds (GRIP.md §3.2, §4.1). */
export const DEFAULT_TIMEOUT_SEC = 55
/** Shorter response-hold timeouts are raised to this (GRIP.md §3.2, checked live). */
export const MIN_TIMEOUT_SEC = HOLD_TIMEOUT_RANGE.min
/** Keep-alive timeout default, in seconds (GRIP.md §3.2). */
export const DEFAULT_KEEP_ALIVE_SEC = 55
/** Shorter keep-alive timeouts are raised to this (GRIP.md §3.2, checked live). */
export const MIN_KEEP_ALIVE_SEC = KEEP_ALIVE_RANGE.min

const intError = (where: string, text: string) =>
  err(`${where}: expected a non-negative integer, got ${show(text)}`)

/**
 * Whether an origin header is removed from the client-facing response: what
 * `isFramingOrHopHeader` names (`Grip-*`, hop-by-hop, `Content-Length`, which the proxy
 * recomputes, GRIP.md §3.3) and `Content-Encoding`, since the body is decoded (GRIP.md §3.2).
 * Apply it through `clientHeaderPairs`, which also drops the fields `Connection` names.
 */
export function isDroppedHeader(lowerName: string): boolean {
  return lowerName === 'content-encoding' || isFramingOrHopHeader(lowerName)
}

function parseHold(value: string | null): Result<HoldMode, string> {
  if (value === null) return ok('none')
  // Compared case-sensitively, exactly as Pushpin does (GRIP.md §3.1).
  if (value === 'response' || value === 'stream') return ok(value)
  return err(`Grip-Hold: expected "response" or "stream", got ${show(value)}`)
}

function toChannel(element: HeaderElement): InstructChannel {
  const prevId = findParam(element.params, 'prev-id')?.value
  const filters = element.params
    .filter((param) => param.name.toLowerCase() === 'filter' && param.value !== undefined)
    .map((param) => byteStringToText(param.value!))
  const channel: InstructChannel = { name: byteStringToText(element.value), filters }
  if (prevId) channel.prevId = byteStringToText(prevId)
  return channel
}

/**
 * Keep-alives parsed, by header value: every hold of a route usually asks for the same one,
 * and a held stream keeps its keep-alive (data bytes and all) for its lifetime, so holds
 * share one frozen object instead of each keeping a copy (issue #18, the SSE heap diff).
 */
const keepAlives = new Map<string, Readonly<KeepAlive>>()
/** Distinct values kept; past it the table starts over (objects handed out stay valid). */
const MAX_KEEP_ALIVES = 256
/** Longer values are not worth a table entry. */
const MAX_SHARED_KEEP_ALIVE_LENGTH = 512

function parseKeepAlive(value: string | null): Result<KeepAlive | undefined, string> {
  // An absent or empty header means no keep-alive (GRIP-CONFORMANCE item 48).
  if (value === null || value === '') return ok(undefined)
  const known = keepAlives.get(value)
  if (known) return ok(known)
  const parsed = parseKeepAliveValue(value)
  if (parsed.ok && parsed.value && value.length <= MAX_SHARED_KEEP_ALIVE_LENGTH) {
    if (keepAlives.size >= MAX_KEEP_ALIVES) keepAlives.clear()
    keepAlives.set(value, Object.freeze(parsed.value))
  }
  return parsed
}

function parseKeepAliveValue(value: string): Result<KeepAlive | undefined, string> {
  const element = parseHeaderElement(value)
  // An invalid element is skipped (GRIP.md §3.1); for this single-valued header, that
  // means no keep-alive, as in Pushpin.
  if (!element) return ok(undefined)
  if (element.value === '') return err('Grip-Keep-Alive: data is empty')
  const mode = findParam(element.params, 'mode')?.value || 'idle'
  if (mode !== 'idle' && mode !== 'interval') {
    return err(`Grip-Keep-Alive: unknown mode ${show(mode)}`)
  }
  let timeoutSec = DEFAULT_KEEP_ALIVE_SEC
  const timeout = findParam(element.params, 'timeout')
  if (timeout) {
    const n = parseNonNegativeInt(timeout.value ?? '')
    if (n === undefined) return intError('Grip-Keep-Alive timeout', timeout.value ?? '')
    // Raised to 1 as Pushpin does, and lowered to a day so the timer cannot overflow.
    timeoutSec = clampSeconds(n, KEEP_ALIVE_RANGE)
  }
  const format = findParam(element.params, 'format')?.value || 'raw'
  if (!isKeepAliveFormat(format)) return err(`Grip-Keep-Alive: unknown format ${show(format)}`)
  const data = decodeKeepAliveData(element.value, format)
  if (!data.ok) return err(`Grip-Keep-Alive: ${data.error}`)
  if (data.value.length === 0) return err('Grip-Keep-Alive: decoded data is empty')
  return ok({ data: data.value, timeoutSec, mode })
}

function parseMeta(joined: string | null): Result<Record<string, string>, string> {
  const meta = new Map<string, string>()
  for (const params of parseHeaderParamsList(joined)) {
    const first = params[0]
    if (!first || first.name === '')
      return err('Grip-Set-Meta: expected name=value, got an empty element')
    meta.set(byteStringToText(first.name), byteStringToText(first.value ?? ''))
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return ok(Object.fromEntries(meta))
}

function parseStatus(value: string | null): Result<StatusLine | undefined, string> {
  if (value === null || value === '') return ok(undefined)
  const space = value.indexOf(' ')
  const codeText = space === -1 ? value : value.slice(0, space)
  const code = parseNonNegativeInt(codeText)
  if (code === undefined || code > 999) {
    return err(`Grip-Status: expected a status code 0-999, got ${show(codeText)}`)
  }
  const reason = space === -1 ? '' : value.slice(space + 1)
  return ok({ code, reason: reason || reasonPhrase(code) })
}

/** Origin headers minus dropped ones, narrowed to `Grip-Expose-Headers` when given. */
function clientHeaders(headers: Headers, expose: string[] | undefined): [string, string][] {
  const allowed = expose && new Set(expose.map((name) => name.toLowerCase()))
  const all: [string, string][] = []
  // forEach yields lowercase names and keeps each Set-Cookie separate (Fetch "sort and combine").
  headers.forEach((value, name) => {
    all.push([name, value])
  })
  return clientHeaderPairs(
    all,
    (name) => isDroppedHeader(name) || (!!allowed && !allowed.has(name))
  )
}

/**
 * Reads the `Grip-*` headers of an origin response into an instruction (channels not yet
 * capped). Single-valued headers use the whole `Headers.get()` value: with web `Headers`
 * a repeated `Grip-Hold` arrives joined ("response, response") and is refused, where
 * Pushpin would take the first occurrence. Origins send them once, so this is accepted.
 */
export function parseInstructHeaders(
  status: number,
  headers: Headers,
  body: Uint8Array
): Result<Instruct, string> {
  const hold = parseHold(headers.get('grip-hold'))
  if (!hold.ok) return hold
  const channels = parseHeaderList(headers.get('grip-channel'))
    .filter((element) => element.value !== '')
    .map(toChannel)
  let timeoutSec = DEFAULT_TIMEOUT_SEC
  const timeout = headers.get('grip-timeout')
  if (timeout !== null) {
    const n = parseNonNegativeInt(timeout)
    if (n === undefined) return intError('Grip-Timeout', timeout)
    // Raised to 5 as Pushpin does, and lowered to a day so the timer cannot overflow.
    timeoutSec = clampSeconds(n, HOLD_TIMEOUT_RANGE)
  }
  const exposeHeaders = splitHeaderList(headers.get('grip-expose-headers') ?? '').filter(Boolean)
  const keepAlive = parseKeepAlive(headers.get('grip-keep-alive'))
  if (!keepAlive.ok) return keepAlive
  const meta = parseMeta(headers.get('grip-set-meta'))
  if (!meta.ok) return meta
  const gripStatus = parseStatus(headers.get('grip-status'))
  if (!gripStatus.ok) return gripStatus
  const links = parseLinks(headers.get('grip-link'))
  if (!links.ok) return links

  const expose = exposeHeaders.length > 0 ? exposeHeaders : undefined
  const line = gripStatus.value ?? { code: status, reason: reasonPhrase(status) }
  const instruct: Instruct = {
    hold: hold.value,
    channels,
    timeoutSec,
    meta: meta.value,
    ...links.value,
    response: { ...line, headers: clientHeaders(headers, expose), body },
  }
  if (keepAlive.value) instruct.keepAlive = keepAlive.value
  if (gripStatus.value) instruct.status = gripStatus.value
  if (expose) instruct.exposeHeaders = expose
  return ok(instruct)
}
