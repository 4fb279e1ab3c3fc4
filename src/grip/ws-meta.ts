/**
 * WebSocket-over-HTTP connection meta and keep-alive polling (GRIP.md §7.2): the origin
 * stores values with `Set-Meta-<Name>` response headers, and every later request carries
 * them back as `Meta-<Name>`; `Keep-Alive-Interval` asks for empty polls.
 * @module
 */
import { clampSeconds, WOH_POLL_RANGE } from './durations.ts'

/**
 * Connection meta by lowercase name (Fetch `Headers` lowercase field names, and HTTP
 * names are case-insensitive). Values are header byte strings, sent back unchanged.
 */
export type WsMeta = Readonly<Record<string, string>>

/** One change from a `Set-Meta-<Name>` header; `value` undefined deletes the entry. */
export interface MetaUpdate {
  name: string
  value: string | undefined
}

const SET_META = 'set-meta-'
const META = 'meta-'

/** Whether `name` is a `Set-Meta-*` header, which never reaches the client's 101. */
export function isSetMetaHeader(name: string): boolean {
  return name.toLowerCase().startsWith(SET_META)
}

/** Whether `name` is a `Meta-*` header: a client must not send these to the origin. */
export function isMetaHeader(name: string): boolean {
  return name.toLowerCase().startsWith(META)
}

/**
 * The meta updates in a WOH response, accepted on any response, not only `OPEN`. An
 * empty value deletes, as Pushpin does; a bare `Set-Meta-` with no name is ignored.
 * `Headers` joins repeated fields with ", ", so a repeated `Set-Meta-X` stores the joined
 * value where Pushpin would keep the last occurrence.
 */
export function readSetMetaHeaders(headers: Headers): MetaUpdate[] {
  const updates: MetaUpdate[] = []
  headers.forEach((value, field) => {
    if (!isSetMetaHeader(field) || field.length === SET_META.length) return
    updates.push({ name: field.slice(SET_META.length), value: value === '' ? undefined : value })
  })
  return updates
}

/** Applies updates in order and returns the new meta; `meta` is left unchanged. */
export function applyMetaUpdates(meta: WsMeta, updates: readonly MetaUpdate[]): WsMeta {
  const next = new Map(Object.entries(meta))
  for (const { name, value } of updates) {
    const key = name.toLowerCase()
    // Pushpin removes then appends, so a changed entry moves to the end.
    next.delete(key)
    if (value !== undefined && value !== '') next.set(key, value)
  }
  // `fromEntries` defines own properties, so a name such as `__proto__` stays plain data.
  return Object.fromEntries(next)
}

/** The `Meta-<Name>` request headers for the stored meta, in storage order. */
export function metaRequestHeaders(meta: WsMeta): [string, string][] {
  return Object.entries(meta).map(([name, value]) => [`${META}${name}`, value])
}

/** Keep-alive polls never come more often than this (GRIP.md §7.2, checked live). */
export const KEEP_ALIVE_INTERVAL_MIN_SEC = WOH_POLL_RANGE.min

const INT32_MAX = 2 ** 31 - 1

/**
 * The poll interval from a `Keep-Alive-Interval` value: a positive decimal integer,
 * raised to 20 when lower and lowered to a day when higher (durations.ts). Zero, a negative or an invalid value gives `undefined`, which
 * turns polling off. Pushpin keeps the previous interval when the header is absent, so
 * apply the result only when the header is present; `null` also gives `undefined`.
 */
export function keepAliveIntervalSec(headerValue: string | null): number | undefined {
  if (headerValue === null) return undefined
  // Qt's `toInt` allows surrounding ASCII whitespace and a plus sign.
  const digits = /^[ \t]*\+?([0-9]+)[ \t]*$/.exec(headerValue)?.[1]
  if (digits === undefined) return undefined
  const seconds = Number(digits)
  if (seconds === 0 || seconds > INT32_MAX) return undefined
  return clampSeconds(seconds, WOH_POLL_RANGE)
}
