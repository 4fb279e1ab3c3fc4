/**
 * Errors thrown inside a holder, rendered as the Worker's `app.onError` would render them:
 * a thrown error does not survive RPC as its class, so holders answer with the response.
 * @module
 */
import { GatewayError, problemResponse } from '../../../src/errors.ts'
import type { Logger } from '../../../src/platform.ts'
import { originFailure } from '../../../src/proxy/origin-failure.ts'

/**
 * The problem response for `error` (500 and a log line for anything unexpected); an origin
 * failure names the origin, never its address (the log has that).
 */
export function errorResponse(error: unknown, logger: Logger): Response {
  if (error instanceof GatewayError) return error.getResponse()
  const failure = originFailure(error, logger)
  if (failure) return failure.getResponse()
  logger.error('fanout tier failure', { error: String(error) })
  return problemResponse(500, { title: 'Internal gateway error', status: 500, code: 'INTERNAL' })
}
