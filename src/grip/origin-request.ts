/**
 * The GRIP headers of a request to the origin (GRIP.md §2.1): client-sent `Grip-*` removed
 * (a client must not forge a signature or instructions), a fresh `Grip-Sig`, the features
 * this gateway implements, and `Grip-Last` lines on retries and next links.
 * @module
 */
import type { GripConfig } from '../config/types.ts'
import { signGripSig } from './grip-sig.ts'

/** Optional GRIP features implemented here: only what really works is announced. */
export const GRIP_FEATURES = 'status, link:next'

/**
 * Rewrites `headers` in place for a request to the origin; `lastIds` are the Grip-Last
 * values by channel (the fanout seam's `LastIds`).
 */
export async function prepareGripHeaders(
  headers: Headers,
  grip: GripConfig | undefined,
  nowMs: number,
  lastIds: Readonly<Record<string, string>> = {}
): Promise<void> {
  dropGripFields(headers)
  if (grip) headers.set('grip-sig', await signGripSig(grip.key, grip.iss, nowMs))
  headers.set('grip-feature', GRIP_FEATURES)
  for (const [channel, id] of Object.entries(lastIds)) {
    headers.append('grip-last', `${channel}; last-id=${quoteIfNeeded(id)}`)
  }
}

/** Drops every `Grip-*` field: only the gateway (or a verified tier) may speak GRIP to the origin. */
export function dropGripFields(headers: Headers): void {
  const forged: string[] = []
  headers.forEach((_value, name) => {
    if (name.startsWith('grip-')) forged.push(name)
  })
  for (const name of forged) headers.delete(name)
}

function quoteIfNeeded(value: string): string {
  return /^[\w.:~+/=-]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`
}
