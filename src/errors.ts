/**
 * Errors that know their HTTP status and render themselves as RFC 9457
 * `application/problem+json` (the idea of Hono's `HTTPException.getResponse()`),
 * each with a stable code documented in docs/errors.md (the habit of ws's `WS_ERR_*`).
 * @module
 */

/** Every stable error code the gateway can answer with. */
export type ErrorCode =
  | 'ROUTE_NOT_FOUND'
  | 'ORIGIN_UNREACHABLE'
  | 'ORIGIN_TIMEOUT'
  | 'BAD_REQUEST'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'UPGRADE_REQUIRED'
  | 'UNAUTHORIZED'
  | 'PAYLOAD_TOO_LARGE'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'GRIP_BAD_INSTRUCT'
  | 'GRIP_REQUEST_TOO_LARGE'
  | 'CONNECTION_LIMIT'
  | 'GRIP_SIG_INVALID'
  | 'GRIP_NOT_HANDED_OFF'
  | 'PUBLISH_FAILED'
  | 'PURGE_FAILED'
  | 'CONFIG_INVALID'
  | 'CLUSTER_UNAVAILABLE'
  | 'INTERNAL'

const TITLES: Record<ErrorCode, string> = {
  ROUTE_NOT_FOUND: 'No route matches this request',
  ORIGIN_UNREACHABLE: 'The origin could not be reached',
  ORIGIN_TIMEOUT: 'The origin did not answer in time',
  BAD_REQUEST: 'The request is malformed',
  HEADERS_TOO_LARGE: 'The request head is too large',
  REQUEST_TIMEOUT: 'The request was not received in time',
  UPGRADE_REQUIRED: 'Another protocol version is required',
  UNAUTHORIZED: 'Missing or invalid credentials',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  GRIP_BAD_INSTRUCT: 'The origin sent an invalid GRIP instruction',
  GRIP_REQUEST_TOO_LARGE: 'Request too large to accept GRIP instruct',
  CONNECTION_LIMIT: 'Too many held connections',
  GRIP_SIG_INVALID: 'The Grip-Sig of this request did not verify',
  GRIP_NOT_HANDED_OFF: 'The origin sent GRIP instructions for a request that was not handed off',
  PUBLISH_FAILED: 'The publish was not completed',
  PURGE_FAILED: 'Some keys could not be purged',
  CONFIG_INVALID: 'The gateway configuration is invalid',
  CLUSTER_UNAVAILABLE: 'The cluster bus is unreachable',
  INTERNAL: 'Internal gateway error',
}

/** Extra members of a problem body, e.g. the field a bad request names. */
export type ProblemExtras = Record<string, unknown>

/** A failure with a stable code and an HTTP status that renders as a problem document. */
export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly extras: ProblemExtras
  readonly headers: Record<string, string>

  constructor(
    code: ErrorCode,
    status: number,
    detail: string,
    options: { cause?: unknown; extras?: ProblemExtras; headers?: Record<string, string> } = {}
  ) {
    super(detail, { cause: options.cause })
    this.name = 'GatewayError'
    this.code = code
    this.status = status
    this.extras = options.extras ?? {}
    this.headers = options.headers ?? {}
  }

  /** The RFC 9457 problem document for this error. */
  toProblem(): Record<string, unknown> {
    return {
      type: `https://gripgate.dev/errors#${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      detail: this.message,
      ...this.extras,
    }
  }

  /** Renders the error as an `application/problem+json` response. */
  getResponse(): Response {
    return problemResponse(this.status, this.toProblem(), this.headers)
  }
}

/** Builds an `application/problem+json` response from a problem document. */
export function problemResponse(
  status: number,
  problem: Record<string, unknown>,
  headers: Record<string, string> = {}
): Response {
  return new Response(`${JSON.stringify(problem)}\n`, {
    status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...headers,
    },
  })
}
