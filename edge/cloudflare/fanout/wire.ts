/**
 * What crosses from the Worker to a holder with a hold: the parsed `Instruct` (its bodies and
 * keep-alive data are `Uint8Array`s) and the client request as plain data, since the GRIP
 * proxy has already read its body.
 *
 * Long-polls go by RPC, whose structured clone carries the bytes as they are. Streams go by
 * `fetch`, because a stream returned by RPC is not cancelled when its reader goes away
 * (workerd 2026-04-26): through `fetch` the holder's next write after the client left
 * cancels the session. `fetch` carries JSON, so bytes travel as `{"$bytes": "<base64>"}`.
 * @module
 */
import type { Instruct } from '../../../src/grip/types.ts'

/** The client request of a hold, as the holder replays it. */
export interface WireRequest {
  method: string
  url: string
  headers: [string, string][]
}

/** One hold handed to a holder. */
export interface HoldPayload {
  request: WireRequest
  instruct: Instruct
}

/** The path of a stream hold's `fetch` to a holder (any host: the stub routes it). */
export const HOLD_PATH = '/_gripgate/hold'

/** The client request as plain data. */
export function toWire(request: Request): WireRequest {
  return { method: request.method, url: request.url, headers: [...request.headers] }
}

/** The client request again, without a body, for the hub's sessions. */
export function fromWire(wire: WireRequest): Request {
  return new Request(wire.url, { method: wire.method, headers: wire.headers })
}

/** Whether the request had a body the holder cannot replay by itself. */
export function hasBody(request: Request): boolean {
  return request.body !== null && request.method !== 'GET' && request.method !== 'HEAD'
}

const BYTES = '$bytes'

/** A hold as the JSON body of a `fetch` to a holder. */
export function encodeHold(payload: HoldPayload): string {
  return JSON.stringify(payload, (_key, value: unknown) =>
    value instanceof Uint8Array ? { [BYTES]: toBase64(value) } : value
  )
}

/** The hold of `encodeHold`'s text. */
export function decodeHold(text: string): HoldPayload {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && BYTES in value) {
      const encoded = (value as Record<string, unknown>)[BYTES]
      if (typeof encoded === 'string') return fromBase64(encoded)
    }
    return value
  }) as HoldPayload
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  // Chunks keep String.fromCharCode under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}
