/**
 * The origin of the `workers` vitest project. Tests run inside workerd, where nothing can
 * listen on a port, so Miniflare's `outboundService` hands every subrequest of the Worker to
 * this function, which runs in Node. The gateway config (workers-fixture.ts) points its
 * origin at http://origin.test.
 *
 * Paths: `/cached/<name>?keys=a,b` answers `public, max-age=60` tagged with the keys and a
 * body naming how often the path was fetched; `/gzip/<name>` answers gzip bytes;
 * `/grip/*` is the GRIP origin of the fanout tests (workers-grip-origin.ts); `/contract/*` is
 * the origin of the `Origin` contract (contract-origin.ts); `/black-box/*` is the origin of
 * the black-box suite (black-box-origin.ts); anything else is a 404.
 */
import { gzipSync } from 'node:zlib'
import { blackBoxOrigin } from './black-box-origin.ts'
import { contractOrigin } from './contract-origin.ts'
import { GZIP_TEXT } from './workers-fixture.ts'
import { gripTestOrigin } from './workers-grip-origin.ts'

export { WORKERS_TEST_BINDINGS } from './workers-fixture.ts'

const hits = new Map<string, number>()

/** Miniflare `outboundService`: answers the Worker's subrequests. */
export async function workersTestOrigin(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (url.hostname !== 'origin.test')
    return new Response('outside the test origin', { status: 502 })
  // The fanout tier's GRIP answers (stream, long-poll, WebSocket-over-HTTP).
  if (url.pathname.startsWith('/grip/')) return gripTestOrigin(request, url)
  if (url.pathname.startsWith('/contract/')) {
    const path = url.pathname.slice('/contract'.length)
    return contractOrigin(new Request(new URL(`${path}${url.search}`, url), request))
  }
  if (url.pathname.startsWith('/black-box/')) {
    const path = url.pathname.slice('/black-box'.length)
    return blackBoxOrigin(new Request(new URL(`${path}${url.search}`, url), request))
  }
  const count = (hits.get(url.pathname) ?? 0) + 1
  hits.set(url.pathname, count)
  if (url.pathname.startsWith('/cached/')) {
    const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean)
    const headers = new Headers({
      'content-type': 'text/plain',
      'cache-control': 'public, max-age=60',
      etag: `"${url.pathname}-${count}"`,
    })
    if (keys.length > 0) headers.set('surrogate-key', keys.join(' '))
    return new Response(`${url.pathname} fetch ${count}`, { headers })
  }
  if (url.pathname.startsWith('/gzip/')) {
    return new Response(gzipSync(GZIP_TEXT), {
      headers: {
        'content-type': 'text/plain',
        'content-encoding': 'gzip',
        'cache-control': 'public, max-age=60',
      },
    })
  }
  return new Response('not found', { status: 404 })
}
