/**
 * Node's front door for cache hits: a plain GET whose answer is a quick hit
 * (src/cache/quick-hit.ts) is written from the IncomingMessage straight to the
 * ServerResponse, before @hono/node-server builds a Request and Hono routes it. The answer
 * is the one the gateway would give (the same `PullCache`, the same decision); everything
 * else goes on to the gateway untouched. Issue #8: the framework around a hit cost more
 * than the hit.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PullCache } from '../../src/cache/pull-cache.ts'

/** Hosts @hono/node-server takes as they are (anything else it checks or refuses). */
const PLAIN_HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i

/**
 * The URL @hono/node-server would give the gateway for `incoming`, for the requests it takes
 * without question: origin-form target and a plain Host. Undefined for anything else.
 */
function plainUrl(incoming: IncomingMessage): URL | undefined {
  const host = incoming.headers.host
  const target = incoming.url
  if (!host || !PLAIN_HOST.test(host) || !target?.startsWith('/')) return undefined
  try {
    return new URL(`http://${host}${target}`)
  } catch {
    return undefined
  }
}

/** Writes the quick hit for `incoming`, if it is one; false means the gateway must answer. */
export async function serveQuickHit(
  cache: PullCache,
  incoming: IncomingMessage,
  outgoing: ServerResponse
): Promise<boolean> {
  if (incoming.method !== 'GET') return false
  const url = plainUrl(incoming)
  if (!url) return false
  // Node joins repeated request fields with ", " as Headers does; only Set-Cookie stays a
  // list, and requests do not carry it.
  const answer = await cache.quickGet(url, incoming.headers as Record<string, string>)
  if (!answer) return false
  outgoing.writeHead(answer.status, answer.headers)
  outgoing.end(answer.body)
  return true
}
