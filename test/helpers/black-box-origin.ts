/**
 * The origin every runner of the black-box suite (black-box-cases.ts) talks to, as a web
 * handler, so each platform's harness serves the same answers: a node:http server (node),
 * Miniflare's outboundService (workers-origin.ts), the recording fetch of the Fastly shims.
 * No Node or test-framework imports: the workers project's config loads it.
 *
 * Paths: `/bb/plain` answers a fixed text with `x-origin` and a 203 status (a status no
 * gateway would make up); `/bb/echo` answers JSON `{ method, headers }` of what reached it;
 * `/bb/tagged` answers with the
 * edge-only fields (`Surrogate-Key`, `Cache-Tag`, `Surrogate-Control`); `/bb/cached/<name>` answers `public, max-age=60` with a body counting its fetches; any other
 * path answers 200 `FORWARDED_MARK`, so a request that should never be forwarded shows.
 * @module
 */

/** The host of an origin that cannot be reached (each harness makes it fail its own way). */
export const UNREACHABLE_HOST = 'unreachable.test'

/** Starts the answer to any path without a script: a request that reached the origin. */
export const FORWARDED_MARK = 'reached the black-box origin'

/** The text `/bb/plain` answers with. */
export const PLAIN_TEXT = 'plain from the black-box origin'

const fetches = new Map<string, number>()

/** Answers one request to the black-box origin. */
export async function blackBoxOrigin(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname
  if (path === '/bb/plain') {
    return new Response(PLAIN_TEXT, {
      status: 203,
      headers: {
        'content-type': 'text/plain',
        'x-origin': 'black-box',
        'cache-control': 'no-store',
      },
    })
  }
  if (path === '/bb/echo') {
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    return Response.json(
      { method: request.method, headers },
      { headers: { 'cache-control': 'no-store' } }
    )
  }
  if (path === '/bb/tagged') {
    return new Response('tagged', {
      headers: {
        'content-type': 'text/plain',
        'cache-control': 'public, max-age=60',
        'surrogate-key': 'bb-tag',
        'cache-tag': 'bb-tag',
        'surrogate-control': 'max-age=60',
      },
    })
  }
  if (path.startsWith('/bb/cached/')) {
    const count = (fetches.get(path) ?? 0) + 1
    fetches.set(path, count)
    return new Response(`${path} fetch ${count}`, {
      headers: { 'content-type': 'text/plain', 'cache-control': 'public, max-age=60' },
    })
  }
  return new Response(`${FORWARDED_MARK} at ${path}`, { headers: { 'cache-control': 'no-store' } })
}
