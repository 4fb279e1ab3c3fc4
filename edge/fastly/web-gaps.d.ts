// Web APIs the shared core names and js-compute 3.46's types leave out (globals.d.ts comments
// them out). The gateway on Fastly reaches them only as absent values: a request's `signal`
// is undefined there and passed on as such, `redirect` is ignored (the Fastly origin builds
// its own fetch init), and the hub's held connections, which need AbortSignal and byte
// queuing strategies, never run on Fastly, where Fanout holds the connections. The Fastly
// build test (test/fastly/build.test.ts) runs every module's top level under wizer.

interface AbortSignal extends EventTarget {
  readonly aborted: boolean
  readonly reason: unknown
  throwIfAborted(): void
}

declare var AbortSignal: {
  prototype: AbortSignal
  abort(reason?: unknown): AbortSignal
  timeout(milliseconds: number): AbortSignal
}

/** A stream session aborts its next-link fetch with its own (src/hub/stream-session.ts). */
declare class AbortController {
  readonly signal: AbortSignal
  abort(reason?: unknown): void
}

interface Request {
  readonly signal: AbortSignal
}

interface RequestInit {
  signal?: AbortSignal | null
  redirect?: 'follow' | 'error' | 'manual'
}

declare class ByteLengthQueuingStrategy implements QueuingStrategy<ArrayBufferView> {
  constructor(init: QueuingStrategyInit)
  readonly highWaterMark: number
  readonly size: (chunk: ArrayBufferView) => number
}
