import { describe, expect, it } from 'vitest'
import { OriginTimeoutError, OriginUnreachableError } from '../../../src/platform.ts'
import { originFailure } from '../../../src/proxy/origin-failure.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'

describe('originFailure', () => {
  it('tells the client the origin’s name and logs the address', () => {
    const logger = new CaptureLogger()
    const error = new OriginUnreachableError(
      'origin http://10.0.3.7:9000 unreachable: connect ECONNREFUSED 10.0.3.7:9000',
      { origin: 'app' }
    )
    const failure = originFailure(error, logger)
    expect(failure?.toProblem()).toMatchObject({
      status: 502,
      code: 'ORIGIN_UNREACHABLE',
      detail: 'origin "app" could not be reached',
    })
    expect(logger.records).toEqual([
      { level: 'warn', msg: 'origin unreachable', fields: { origin: 'app', error: error.message } },
    ])
  })

  it('says "the origin" when the name is not known, and maps timeouts to 504', () => {
    const failure = originFailure(
      new OriginTimeoutError('origin http://10.0.3.7 did not answer within 5 ms'),
      new CaptureLogger()
    )
    expect(failure?.toProblem()).toMatchObject({
      status: 504,
      code: 'ORIGIN_TIMEOUT',
      detail: 'the origin did not answer in time',
    })
  })

  it('leaves other errors alone', () => {
    const logger = new CaptureLogger()
    expect(originFailure(new Error('boom'), logger)).toBeUndefined()
    expect(logger.records).toEqual([])
  })
})
