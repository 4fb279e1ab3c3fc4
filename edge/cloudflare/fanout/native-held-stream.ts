/**
 * Held streams on workerd's native byte pipe (`IdentityTransformStream`) instead of a
 * JavaScript `ReadableStream`: a write hands the bytes to the runtime, which streams them to
 * the Worker and on to the client without running JavaScript per chunk. A JS-sourced stream
 * costs a pull, a promise and a queue step per chunk and per subscriber, on every publish
 * (the "web-stream plumbing per write" of issue #16).
 *
 * A write settles once the client side has taken it, so the bytes of unsettled writes are what
 * the connection still buffers (`limits.subscriberQueueBytes` drops a slow reader, as on
 * Node). A write that fails means the client left (or the runtime cut the response): the
 * session hears it as an abort.
 * @module
 */
import type { HeldStreamOpener, StreamSink } from '../../../src/held-stream.ts'

/** Opens every held stream on an `IdentityTransformStream`. */
export const nativeHeldStreams: HeldStreamOpener = {
  open(_client, head, onAbort) {
    const { readable, writable } = new IdentityTransformStream()
    const writer = writable.getWriter()
    let open = true
    let buffered = 0
    const gone = () => {
      if (!open) return
      open = false
      onAbort()
    }
    const sink: StreamSink = {
      write(bytes) {
        if (!open || bytes.byteLength === 0) return
        const size = bytes.byteLength
        buffered += size
        writer.write(bytes).then(() => {
          buffered -= size
        }, gone)
      },
      buffered: () => (open ? buffered : 0),
      end() {
        if (!open) return
        open = false
        writer.close().catch(() => {})
      },
      destroy() {
        if (!open) return
        open = false
        writer.abort(new Error('held stream dropped')).catch(() => {})
      },
    }
    const init = { status: head.status, statusText: head.statusText, headers: head.headers }
    return { response: new Response(readable, init), sink }
  },
}
