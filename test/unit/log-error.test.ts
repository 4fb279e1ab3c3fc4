import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../src/errors.ts'
import { describeCause, logGatewayError } from '../../src/log-error.ts'
import { OriginUnreachableError } from '../../src/platform.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'

describe('logGatewayError', () => {
  it('logs a 5xx at warn with the cause chain the client is not shown', () => {
    const logger = new CaptureLogger()
    const cause = new OriginUnreachableError('origin http://10.0.0.7:9000 unreachable', {
      cause: new Error('connect ECONNREFUSED 10.0.0.7:9000'),
      origin: 'app',
    })
    const error = new GatewayError('ORIGIN_UNREACHABLE', 502, 'origin "app" could not be reached', {
      cause,
    })
    const request = new Request('http://gw/a?b=1', { headers: { 'x-request-id': 'r1' } })
    logGatewayError(logger, error, request)
    expect(logger.records).toEqual([
      {
        level: 'warn',
        msg: 'gateway error answered',
        fields: {
          status: 502,
          code: 'ORIGIN_UNREACHABLE',
          detail: 'origin "app" could not be reached',
          method: 'GET',
          path: '/a',
          requestId: 'r1',
          cause:
            'OriginUnreachableError: origin http://10.0.0.7:9000 unreachable (cause: Error: connect ECONNREFUSED 10.0.0.7:9000)',
        },
      },
    ])
  })

  it('logs a 4xx at info, without a cause or an id when there is none', () => {
    const logger = new CaptureLogger()
    logGatewayError(
      logger,
      new GatewayError('ROUTE_NOT_FOUND', 404, 'no route'),
      new Request('http://gw/x', { method: 'POST' })
    )
    expect(logger.records[0]?.level).toBe('info')
    expect(logger.records[0]?.fields).toEqual({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: 'no route',
      method: 'POST',
      path: '/x',
    })
  })

  it('describes causes that are not errors', () => {
    expect(describeCause('text')).toBe('text')
    expect(describeCause(undefined)).toBeUndefined()
  })
})
