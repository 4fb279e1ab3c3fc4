/**
 * The client body the GRIP proxy may have to send again (retries, GRIP.md §4.3), kept whole
 * up to a limit.
 * @module
 */
import { concatBytes } from '../http/bytes.ts'

/**
 * Reads up to `limit` bytes of the client's body so the request can be replayed.
 * `body` is `null` for a request without one and `undefined` when it was too large to keep
 * (the request still goes to the origin, streamed, but cannot be replayed).
 */
export async function bufferForReplay(
  request: Request,
  limit: number
): Promise<{ request: Request; body: Uint8Array<ArrayBuffer> | null | undefined }> {
  // The method first: on Node, reading `body` builds a full Request behind the server's
  // lightweight one, which a held connection would then keep for its lifetime.
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body)
    return { request, body: null }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size > limit) {
      // Too large to keep: send what was read followed by the rest, once.
      const rest = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk)
        },
        async pull(controller) {
          const next = await reader.read()
          if (next.done) controller.close()
          else controller.enqueue(next.value)
        },
        cancel: (reason) => reader.cancel(reason),
      })
      const init: RequestInit & { duplex: 'half' } = {
        method: request.method,
        headers: request.headers,
        body: rest,
        duplex: 'half',
        signal: request.signal,
      }
      return { request: new Request(request.url, init), body: undefined }
    }
  }
  const body = concatBytes(chunks)
  return {
    request: new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body,
      signal: request.signal,
    }),
    body,
  }
}
