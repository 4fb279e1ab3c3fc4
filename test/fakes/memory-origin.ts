/**
 * An in-process `Origin`: a handler function answers, every request is recorded, and the
 * origin can be made unreachable or slow to exercise the failure paths.
 * @module
 */
import type { OriginConfig } from '../../src/config/types.ts'
import { type Origin, OriginTimeoutError, OriginUnreachableError } from '../../src/platform.ts'

/** Answers one origin request. */
export type OriginHandler = (request: Request) => Response | Promise<Response>

/** A request as the origin received it. */
export interface RecordedRequest {
  method: string
  url: string
  headers: Headers
  /** The origin config the request was sent with. */
  origin: OriginConfig
}

/** How the origin behaves: answering, refusing connections, or never sending a head. */
export type OriginState = 'up' | 'unreachable' | 'slow'

/** Statuses whose responses never have a body (RFC 9110 §6.4.1), as a real origin sends them. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/** An `Origin` driven by a handler function. */
export class MemoryOrigin implements Origin {
  /** Every request received, oldest first, including those that failed. */
  readonly requests: RecordedRequest[] = []
  #handler: OriginHandler
  #state: OriginState = 'up'

  constructor(handler: OriginHandler) {
    this.#handler = handler
  }

  /** Replaces the handler for later requests. */
  setHandler(handler: OriginHandler): void {
    this.#handler = handler
  }

  /** `unreachable` rejects with `OriginUnreachableError`, `slow` with `OriginTimeoutError`. */
  setState(state: OriginState): void {
    this.#state = state
  }

  /** Number of requests received. */
  get count(): number {
    return this.requests.length
  }

  /** The last request received; throws when there is none. */
  get last(): RecordedRequest {
    const last = this.requests.at(-1)
    if (!last) throw new Error('the origin received no request')
    return last
  }

  async fetch(request: Request, origin: OriginConfig): Promise<Response> {
    this.requests.push({
      method: request.method,
      url: request.url,
      headers: new Headers(request.headers),
      origin,
    })
    if (this.#state === 'unreachable') {
      throw new OriginUnreachableError(`origin ${origin.url} unreachable: connection refused`)
    }
    if (this.#state === 'slow') {
      throw new OriginTimeoutError(
        `origin ${origin.url} did not answer within ${origin.timeoutMs} ms`
      )
    }
    const response = await this.#handler(request)
    // Like the Node origin: no body for HEAD or for statuses that cannot have one.
    if (request.method !== 'HEAD' && !NULL_BODY_STATUSES.has(response.status)) return response
    await response.body?.cancel()
    return new Response(null, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }
}
