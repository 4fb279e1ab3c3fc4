/**
 * Logging of the errors the gateway answers itself (issue #17): every 4xx and 5xx it makes
 * is logged with its cause, so a 502 names the origin error the client is never shown
 * (origin-failure.ts). 5xx at warn (the gateway or an origin failed), 4xx at info (a client
 * sent something wrong: visible at the default level, quiet with `--log-level warn`).
 * @module
 */
import type { GatewayError } from './errors.ts'
import type { Logger } from './platform.ts'

/** What a log line says of an error's cause: its message, and its own cause's when nested. */
export function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined
  if (!(cause instanceof Error)) return String(cause)
  const inner = describeCause(cause.cause)
  const own = `${cause.name}: ${cause.message}`
  return inner ? `${own} (cause: ${inner})` : own
}

/** Logs the answer `error` gives to `request`, with its code, detail and cause. */
export function logGatewayError(logger: Logger, error: GatewayError, request: Request): void {
  const url = new URL(request.url)
  const cause = describeCause(error.cause)
  const fields: Record<string, unknown> = {
    status: error.status,
    code: error.code,
    detail: error.message,
    method: request.method,
    path: url.pathname,
  }
  const requestId = request.headers.get('x-request-id')
  if (requestId) fields.requestId = requestId
  if (cause) fields.cause = cause
  if (error.status >= 500) logger.warn('gateway error answered', fields)
  else logger.info('client error answered', fields)
}
