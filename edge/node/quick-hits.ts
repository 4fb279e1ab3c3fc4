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

/** Lowercase host names with an optional port: what URL parsing leaves as it is. */
const PLAIN_HOST = /^[a-z0-9.-]+(:\d{1,5})?$/

/**
 * The URL the gateway would see for `incoming`, only when parsing changes nothing: an
 * origin-form target and a Host that come out of `new URL` exactly as sent. Anything URL
 * parsing would rewrite (a backslash, dot segments, a numeric host shorthand) is left to
 * @hono/node-server, which may refuse it.
 */
function plainUrl(incoming: IncomingMessage): URL | undefined {
  const host = incoming.headers.host
  const target = incoming.url
  if (!host || !PLAIN_HOST.test(host) || !target?.startsWith('/')) return undefined
  try {
    const url = new URL(`http://${host}${target}`)
    return url.host === host && `${url.pathname}${url.search}` === target ? url : undefined
  } catch {
    return undefined
  }
}

/** Targets remembered per cache at most; past it the memory starts again. */
const MAX_INSTRUCTION_TARGETS = 10_000

/**
 * Per cache, the targets (`Host` and request target as sent) whose stored answer was a GRIP
 * instruction: the gateway's GRIP step acts on those, so the front door sends them on without
 * parsing the URL and looking the entry up only to refuse it (issue #18: every connect of a
 * cached hold paid for that lookup twice). Only targets with a stored instruction get in, so
 * clients cannot grow it; a target whose entry later answers plainly is served by the
 * gateway's own quick path, the same answer.
 */
const instructionTargets = new WeakMap<PullCache, Set<string>>()

/**
 * Writes the quick hit for `incoming`, if it is one; false (at once or later) means the
 * gateway must answer.
 */
export function serveQuickHit(
  cache: PullCache,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  extraHeaders: Record<string, string> = {}
): Promise<boolean> | false {
  if (incoming.method !== 'GET') return false
  const target = `${incoming.headers.host}${incoming.url}`
  if (instructionTargets.get(cache)?.has(target)) return false
  const url = plainUrl(incoming)
  // A repeated field is left to the gateway: Node keeps only the first of some (User-Agent,
  // Authorization, …) where web Headers joins them, and Vary would compare other values.
  if (!url || incoming.rawHeaders.length !== 2 * Object.keys(incoming.headers).length) return false
  return writeQuickHit(cache, url, incoming, outgoing, extraHeaders).then((answer) => {
    if (answer !== 'instruction') return answer
    let targets = instructionTargets.get(cache)
    if (!targets) {
      targets = new Set<string>()
      instructionTargets.set(cache, targets)
    }
    if (targets.size >= MAX_INSTRUCTION_TARGETS) targets.clear()
    targets.add(target)
    return false
  })
}

async function writeQuickHit(
  cache: PullCache,
  url: URL,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  extraHeaders: Record<string, string>
): Promise<boolean | 'instruction'> {
  const answer = await cache.quickLookup(url, incoming.headers as Record<string, string>)
  if (answer === 'instruction') return answer
  if (!answer) return false
  // Sized like the gateway's answers (@hono/node-server adds Content-Length to a byte body):
  // the head is built by writeHead, before end() could add it.
  // `extraHeaders` (the request id) go in the same object: a header set on the response
  // beforehand would send writeHead down Node's slower merging path.
  outgoing.writeHead(answer.status, {
    ...extraHeaders,
    ...answer.headers,
    'content-length': String(answer.body.byteLength),
  })
  outgoing.end(answer.body)
  return true
}
