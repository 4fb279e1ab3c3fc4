/**
 * Errors thrown inside a holder, rendered as the Worker's `app.onError` would render them:
 * a thrown error does not survive RPC as its class, so holders answer with the response.
 * @module
 */
import { GatewayError, problemResponse } from '../../../src/errors.ts'
import { type Logger, OriginTimeoutError, OriginUnreachableError } from '../../../src/platform.ts'

/** The problem response for `error` (500 and a log line for anything unexpected). */
export function errorResponse(error: unknown, logger: Logger): Response {
  if (error instanceof GatewayError) return error.getResponse()
  if (error instanceof OriginTimeoutError)
    return new GatewayError('ORIGIN_TIMEOUT', 504, error.message, { cause: error }).getResponse()
  if (error instanceof OriginUnreachableError)
    return new GatewayError('ORIGIN_UNREACHABLE', 502, error.message, {
      cause: error,
    }).getResponse()
  logger.error('fanout tier failure', { error: String(error) })
  return problemResponse(500, { title: 'Internal gateway error', status: 500, code: 'INTERNAL' })
}
