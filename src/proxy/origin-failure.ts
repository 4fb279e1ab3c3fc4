/**
 * What a client is told when an origin fails: the origin's name in the config and what went
 * wrong in general terms, never the origin's URL or the socket error, which name internal
 * addresses and ports (`connect ECONNREFUSED 10.0.3.7:9000`). The detail goes to the log.
 * @module
 */
import { GatewayError } from '../errors.ts'
import { type Logger, OriginTimeoutError, OriginUnreachableError } from '../platform.ts'
import { originLabel } from './origin-label.ts'

/**
 * The client's error for an origin failure, logging the detail at warn; `undefined` when
 * `error` is not an origin failure.
 */
export function originFailure(
  error: unknown,
  logger: Pick<Logger, 'warn'>
): GatewayError | undefined {
  if (error instanceof OriginTimeoutError) {
    logger.warn('origin timed out', { origin: error.origin, error: error.message })
    return new GatewayError(
      'ORIGIN_TIMEOUT',
      504,
      `${originLabel(error.origin)} did not answer in time`,
      {
        cause: error,
      }
    )
  }
  if (error instanceof OriginUnreachableError) {
    logger.warn('origin unreachable', { origin: error.origin, error: error.message })
    return new GatewayError(
      'ORIGIN_UNREACHABLE',
      502,
      `${originLabel(error.origin)} could not be reached`,
      { cause: error }
    )
  }
  return undefined
}
