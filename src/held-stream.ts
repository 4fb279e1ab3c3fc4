/**
 * The held-stream seam: where a stream hold's bytes go. The default is a web
 * `ReadableStream` body, which every platform can return from a handler. A platform that
 * owns its sockets (Node) may write straight to them instead: one item is then framed once
 * per publish and written once per subscriber, with no stream machinery per connection
 * (issue #8: the web stream pump was a third of the fan-out CPU profile).
 * @module
 */

/** The bytes side of one held response. */
export interface StreamSink {
  /** Sends `bytes` to the client (the same array may be handed to every subscriber). */
  write(bytes: Uint8Array): void
  /** Bytes accepted by `write` and not yet sent to the network. */
  buffered(): number
  /** Ends the body cleanly. */
  end(): void
  /**
   * Drops the connection at once, without ending the body: what is still queued is thrown
   * away and the client sees the response cut short. For a subscriber that fell behind: an
   * `end()` would wait behind its backlog, and the connection with it (issue #12).
   */
  destroy(): void
}

/** A held response: what the handler returns, and where its body is written. */
export interface HeldStream {
  response: Response
  sink: StreamSink
}

/** The status and headers of a held response. */
export interface HeldHead {
  status: number
  statusText: string
  headers: Headers
}

/** Opens held responses on a platform. */
export interface HeldStreamOpener {
  /**
   * Opens a held response to `client`; `onAbort` runs once if the client goes away first.
   * Returns undefined when this request cannot be held this way (the caller falls back to
   * `webHeldStream`).
   */
  open(client: Request, head: HeldHead, onAbort: () => void): HeldStream | undefined
}

/** A held response over a web `ReadableStream` (every platform). */
export function webHeldStream(head: HeldHead, onAbort: () => void): HeldStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let open = true
  // A high-water mark of 0 makes -desiredSize the bytes still queued (what `buffered` reports).
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c
      },
      cancel: () => {
        if (!open) return
        open = false
        onAbort()
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 0 })
  )
  const sink: StreamSink = {
    write(bytes) {
      if (open && bytes.byteLength > 0) controller.enqueue(bytes)
    },
    buffered: () => (open ? Math.max(0, -(controller.desiredSize ?? 0)) : 0),
    end() {
      if (!open) return
      open = false
      controller.close()
    },
    destroy() {
      if (!open) return
      open = false
      // Erroring the body discards its queue; the server then aborts the response.
      controller.error(new Error('held stream dropped'))
    },
  }
  const init = { status: head.status, statusText: head.statusText, headers: head.headers }
  return { response: new Response(body, init), sink }
}
