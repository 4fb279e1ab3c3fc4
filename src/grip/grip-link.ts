/**
 * `Grip-Link` values: `<URI>; rel=next[; timeout=N]` and `<URI>; rel=gone` (GRIP.md §3.2,
 * §6). URIs are kept as written; the proxy resolves them against the request URI.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { byteStringToText } from './bytes.ts'
import { clampSeconds, NEXT_LINK_RANGE } from './durations.ts'
import { findParam, parseHeaderList, parseNonNegativeInt } from './header-params.ts'
import { show } from './json-fields.ts'
import type { GoneLink, NextLink } from './types.ts'

/** Next-link recovery timeout default, in seconds (GRIP.md §6.3). */
export const DEFAULT_NEXT_LINK_SEC = 120

/** The links an instruction may carry. */
export interface Links {
  nextLink?: NextLink
  goneLink?: GoneLink
}

/** Whether `url` parses as an absolute or relative URL reference (WHATWG URL). */
function isUrlReference(url: string): boolean {
  try {
    new URL(url, 'http://base.invalid/')
    return true
  } catch {
    return false
  }
}

/**
 * Reads a joined `Grip-Link` value. Every element must be `<URI>` with a valid URI; a
 * missing `>` is an invalid instruction (GRIP-CONFORMANCE item 21). Elements with another
 * `rel`, or none, are ignored, and a later link of the same `rel` wins, as in Pushpin.
 */
export function parseLinks(joined: string | null): Result<Links, string> {
  const links: Links = {}
  for (const element of parseHeaderList(joined)) {
    const { value } = element
    if (value.length <= 2 || !value.startsWith('<') || !value.endsWith('>')) {
      return err(`Grip-Link: expected <URI>, got ${show(value)}`)
    }
    const url = byteStringToText(value.slice(1, -1))
    if (!isUrlReference(url)) return err(`Grip-Link: invalid URI ${show(url)}`)
    const rel = findParam(element.params, 'rel')?.value
    if (rel === 'gone') links.goneLink = { url }
    if (rel !== 'next') continue
    let timeoutSec = DEFAULT_NEXT_LINK_SEC
    const timeout = findParam(element.params, 'timeout')
    if (timeout) {
      const n = parseNonNegativeInt(timeout.value ?? '')
      if (n === undefined) {
        return err(
          `Grip-Link timeout: expected a non-negative integer, got ${show(timeout.value ?? '')}`
        )
      }
      // Not in Pushpin: a floor of 1 s and a ceiling of a day (see durations.ts).
      timeoutSec = clampSeconds(n, NEXT_LINK_RANGE)
    }
    links.nextLink = { url, timeoutSec }
  }
  return ok(links)
}
