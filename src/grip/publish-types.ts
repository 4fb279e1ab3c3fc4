/**
 * Types of a parsed publish body, shared by the item and format parsers (GRIP.md §8).
 * @module
 */

/**
 * A problem with a publish body: `field` is a JSON path such as `items[1].formats.http-stream`
 * (`$` for the body itself), `message` the detail in Pushpin's wording.
 */
export interface PublishProblem {
  field: string
  message: string
}

/** `http-response`: answer held long-polls (`send`) or make them re-request the origin (`hint`). */
export type HttpResponseFormat =
  | {
      action: 'send'
      code: number
      /** A byte string (UTF-8 of the published text), ready for a status line. */
      reason: string
      /** Lowercase names, byte-string values; `Grip-*` headers already removed (GRIP.md §4.2). */
      headers: [string, string][]
      body: Uint8Array
    }
  | { action: 'hint' }

/** `http-stream`: append bytes to held streams, end them, or fetch their next link. */
export type HttpStreamFormat =
  | { action: 'send'; content: Uint8Array }
  | { action: 'hint' }
  | { action: 'close' }

/** The WebSocket message types a publish may send. */
export type WsMessageType = 'text' | 'binary' | 'ping' | 'pong'

/** `ws-message`: send a message, close the connection, or (1.38+) refresh it. */
export type WsMessageFormat =
  | { action: 'send'; type: WsMessageType; content: Uint8Array }
  | { action: 'close'; code?: number; reason?: string }
  | { action: 'refresh' }

/** The formats of one item; each subscriber type takes only its own (GRIP.md §8.2). */
export interface PublishFormats {
  'http-response'?: HttpResponseFormat
  'http-stream'?: HttpStreamFormat
  'ws-message'?: WsMessageFormat
}

/** The format names, in the order Pushpin reads them. */
export const FORMAT_NAMES = ['http-response', 'http-stream', 'ws-message'] as const

/** One of the publish format names. */
export type FormatName = (typeof FORMAT_NAMES)[number]
