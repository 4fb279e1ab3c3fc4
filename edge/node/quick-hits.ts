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
import type { PullCache, QuickLookup } from '../../src/cache/pull-cache.ts'
import { REQUEST_ID } from './access-log.ts'

/** Lowercase host names with an optional port: what URL parsing may leave as it is. */
const PLAIN_HOST = /^[a-z0-9.-]+(:\d{1,5})?$/

/**
 * Request targets URL parsing cannot rewrite: a path and query of unreserved characters and
 * sub-delimiters, with no `%` (a `%2e` segment is a dot segment), no `'` (escaped in a
 * query), no `/.` (dot segments) and no empty query (`/a?` is `/a`). Anything else is checked
 * by parsing it.
 */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/?]*$/

/** Hosts remembered at most; past it the memory starts again. */
const MAX_HOSTS = 1_000

/** Whether URL parsing leaves each host as sent: a few hosts, seen on every request. */
const plainHosts = new Map<string, boolean>()

function isPlainHost(host: string): boolean {
  let plain = plainHosts.get(host)
  if (plain === undefined) {
    plain = PLAIN_HOST.test(host) && parsesAsSent(host, '/')
    if (plainHosts.size >= MAX_HOSTS) plainHosts.clear()
    plainHosts.set(host, plain)
  }
  return plain
}

/** Whether `new URL` keeps `host` and `target` exactly as sent. */
function parsesAsSent(host: string, target: string): boolean {
  try {
    const url = new URL(`http://${host}${target}`)
    return url.host === host && `${url.pathname}${url.search}` === target
  } catch {
    return false
  }
}

/**
 * Whether the gateway would see `incoming`'s Host and target as sent: only then is the
 * cache's primary key the two joined. Anything URL parsing would rewrite (a backslash, dot
 * segments, a numeric host shorthand, a default port) is left to @hono/node-server, which
 * may refuse it. Issue #18: parsing a URL per hit cost more than the lookup.
 */
export function isPlainTarget(
  host: string | undefined,
  target: string | undefined
): host is string {
  if (!host || !target?.startsWith('/') || !isPlainHost(host)) return false
  const quick = PLAIN_TARGET.test(target) && !target.includes('/.') && !target.endsWith('?')
  return quick || parsesAsSent(host, target)
}

/** Targets remembered per cache at most; past it the memory starts again. */
const MAX_INSTRUCTION_TARGETS = 10_000

/**
 * Per cache, the targets (`Host` and request target as sent) whose stored answer was a GRIP
 * instruction: the gateway's GRIP step acts on those, so the front door sends them on without
 * looking the entry up only to refuse it (issue #18: every connect of a cached hold paid for
 * that lookup twice). Only targets with a stored instruction get in, so clients cannot grow
 * it; a target whose entry later answers plainly is served by the gateway's own quick path,
 * the same answer.
 */
const instructionTargets = new WeakMap<PullCache, Set<string>>()

/**
 * Writes the quick hit for `incoming`, if it is one: true when written, false (at once or
 * later) when the gateway must answer. With a store in this process's memory the answer is
 * written before this returns.
 */
export function serveQuickHit(
  cache: PullCache,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  requestId?: string
): Promise<boolean> | boolean {
  if (incoming.method !== 'GET') return false
  const host = incoming.headers.host
  const target = incoming.url
  if (!isPlainTarget(host, target)) return false
  const key = `${host}${target}`
  if (instructionTargets.get(cache)?.has(key)) return false
  // A repeated field is left to the gateway: Node keeps only the first of some (User-Agent,
  // Authorization, …) where web Headers joins them, and Vary would compare other values.
  const headers = incoming.headers as Record<string, string>
  if (incoming.rawHeaders.length !== 2 * Object.keys(headers).length) return false
  const found = cache.quickLookup(host, target!, headers)
  if (found instanceof Promise)
    return found.then((answer) => write(answer, cache, key, outgoing, requestId))
  return write(found, cache, key, outgoing, requestId)
}

function write(
  found: QuickLookup,
  cache: PullCache,
  key: string,
  outgoing: ServerResponse,
  requestId: string | undefined
): boolean {
  if (found === 'instruction') {
    let targets = instructionTargets.get(cache)
    if (!targets) {
      targets = new Set<string>()
      instructionTargets.set(cache, targets)
    }
    if (targets.size >= MAX_INSTRUCTION_TARGETS) targets.clear()
    targets.add(key)
    return false
  }
  if (!found) return false
  // Sized like the gateway's answers (@hono/node-server adds Content-Length to a byte body):
  // the head is built by writeHead, before end() could add it. The request id goes in the
  // same object: a header set on the response beforehand would send writeHead down Node's
  // slower merging path.
  const head: Record<string, string> = {}
  if (requestId) head[REQUEST_ID] = requestId
  Object.assign(head, found.headers)
  head['content-length'] = String(found.body.byteLength)
  outgoing.writeHead(found.status, head)
  outgoing.end(found.body)
  return true
}
