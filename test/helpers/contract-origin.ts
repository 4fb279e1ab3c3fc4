/**
 * The origin the `Origin` contract (test/contract/origin.contract.ts) talks to, as a web
 * handler, so every platform's harness can serve it: a Node server, MemoryOrigin, Miniflare's
 * outboundService. No test-framework imports: the workers project's config loads it.
 *
 * Paths: `/bytes` answers `CONTRACT_BYTES` as `Content-Encoding: gzip` (they are no valid
 * gzip: an implementation that decodes fails or changes them); `/echo` answers the request's
 * body with its method in `x-method`; `/empty` answers 204; `/late-body` sends its head and
 * a first chunk at once and the rest `LATE_BODY_MS` later; anything else is a 404.
 * @module
 */

/** The bytes `/bytes` answers with, as they must arrive. */
export const CONTRACT_BYTES = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x10, 0x80])

/** How long `/late-body` waits between its head and its body. */
export const LATE_BODY_MS = 600

/** Answers one request to the contract origin. */
export async function contractOrigin(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname
  if (path === '/bytes') {
    return new Response(CONTRACT_BYTES, {
      headers: { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' },
    })
  }
  if (path === '/echo') {
    const body = new Uint8Array(await request.arrayBuffer())
    return new Response(body, { headers: { 'x-method': request.method } })
  }
  if (path === '/empty') return new Response(null, { status: 204 })
  if (path === '/late-body') {
    let timer: ReturnType<typeof setTimeout> | undefined
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // A first chunk at once: some servers (Miniflare's outbound) send no head before one.
        controller.enqueue(new TextEncoder().encode('la'))
        timer = setTimeout(() => {
          controller.enqueue(new TextEncoder().encode('te'))
          controller.close()
        }, LATE_BODY_MS)
      },
      cancel: () => {
        if (timer !== undefined) clearTimeout(timer)
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/plain' } })
  }
  return new Response('not in the contract origin', { status: 404 })
}
