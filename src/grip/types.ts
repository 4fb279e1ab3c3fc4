/**
 * The typed GRIP instruction, shared by the header-form and JSON-form parsers.
 * @module
 */

/** How the proxy holds the client connection (GRIP.md §3.2 `Grip-Hold`). */
export type HoldMode = 'none' | 'response' | 'stream'

/** A channel the held connection subscribes to (`Grip-Channel`). */
export interface InstructChannel {
  name: string
  /** The id of the last item the origin already reflected in its response (GRIP.md §9). */
  prevId?: string
  /** Pushpin-only message filters, e.g. `skip-self`. */
  filters: string[]
}

/** Stream-hold keep-alive (GRIP.md §5.3). */
export interface KeepAlive {
  /** The bytes to send, already decoded from their `format`. */
  data: Uint8Array
  /** Seconds of quiet (idle) or between sends (interval); 1 to 86,400, default 55. */
  timeoutSec: number
  /** `idle` restarts the timer on every delivered message; `interval` does not. */
  mode: 'idle' | 'interval'
}

/** A `Grip-Link: <URI>; rel=next` continuation or recovery link (GRIP.md §6.1-6.3). */
export interface NextLink {
  /** The URI as written between `<` and `>`; resolve it against the request URI. */
  url: string
  /** Idle seconds before the link is fetched for recovery: 1 to 86,400, default 120. */
  timeoutSec: number
}

/** A `Grip-Link: <URI>; rel=gone` notification link (GRIP.md §6.4). */
export interface GoneLink {
  /** The URI as written between `<` and `>`; resolve it against the request URI. */
  url: string
}

/** A status line: code 0-999 and reason phrase (a byte string). */
export interface StatusLine {
  code: number
  reason: string
}

/**
 * The response the client sees: at once (no hold), as the stream's start (stream hold),
 * or at timeout (response hold). Header names are lowercase, values are byte strings.
 */
export interface InstructResponse extends StatusLine {
  headers: [string, string][]
  body: Uint8Array
}

/** A parsed GRIP instruction. */
export interface Instruct {
  hold: HoldMode
  /** At most `maxChannels` channels, in the order given. */
  channels: InstructChannel[]
  /** Response-hold timeout in seconds: 5 to 86,400 (durations.ts), default 55. */
  timeoutSec: number
  keepAlive?: KeepAlive
  /** Pushpin-only subscription metadata for filters (`Grip-Set-Meta`, JSON `hold.meta`). */
  meta: Record<string, string>
  nextLink?: NextLink
  goneLink?: GoneLink
  /** `Grip-Status` as given (already applied to `response`). */
  status?: StatusLine
  /** `Grip-Expose-Headers` names (already applied to `response` in the header form). */
  exposeHeaders?: string[]
  response: InstructResponse
}

/** Options for `parseInstruct`. */
export interface ParseInstructOptions {
  /** Channels kept per connection; the rest are dropped silently (Pushpin default 20). */
  maxChannels?: number
}
