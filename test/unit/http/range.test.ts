import { describe, expect, it } from 'vitest'
import { applyRange, decideRange, ifRangeAllows } from '../../../src/http/range.ts'

/** When the tests run, as the gateway's clock tells it. */
const NOW = Date.UTC(2025, 0, 1)

describe('decideRange (RFC 9110 §14.1.2)', () => {
  it.each([
    ['bytes=0-1', { kind: 'partial', start: 0, end: 1 }],
    ['bytes=1-', { kind: 'partial', start: 1, end: 10 }],
    ['bytes=-3', { kind: 'partial', start: 8, end: 10 }],
    ['bytes=5-100', { kind: 'partial', start: 5, end: 10 }],
    ['bytes=-100', { kind: 'partial', start: 0, end: 10 }],
    ['bytes=11-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=3-1', { kind: 'full' }],
    ['bytes=0-1,3-4', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
  ])('%s of 11 bytes', (range, expected) => {
    expect(decideRange(range, 11)).toEqual(expected)
  })
})

describe('ifRangeAllows (RFC 9110 §13.1.5)', () => {
  const headers = new Headers({ etag: '"v1"', 'last-modified': 'Thu, 18 Aug 2050 02:01:18 GMT' })
  it.each([
    [null, true],
    ['"v1"', true],
    ['"v2"', false],
    ['W/"v1"', false],
    ['Thu, 18 Aug 2050 02:01:18 GMT', true],
    ['Fri, 19 Aug 2050 02:01:18 GMT', false],
  ])('If-Range %s → %s', (ifRange, expected) => {
    expect(ifRangeAllows(ifRange, headers, NOW)).toBe(expected)
  })
})

describe('applyRange', () => {
  const body = () => new TextEncoder().encode('01234567890')
  const get = (headers: Record<string, string>, method = 'GET') =>
    new Request('http://gw.test/a', { method, headers })

  it('answers 206 with Content-Range', async () => {
    const res = applyRange(get({ range: 'bytes=0-1' }), 200, new Headers(), body(), NOW)
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe('bytes 0-1/11')
    expect(res.headers.get('content-length')).toBe('2')
    expect(await res.text()).toBe('01')
  })

  it('answers 416 for a range past the end', async () => {
    const res = applyRange(get({ range: 'bytes=20-' }), 200, new Headers(), body(), NOW)
    expect(res.status).toBe(416)
    expect(res.headers.get('content-range')).toBe('bytes */11')
  })

  it('sends the whole body when If-Range does not match', async () => {
    const res = applyRange(
      get({ range: 'bytes=0-1', 'if-range': '"old"' }),
      200,
      new Headers({ etag: '"new"' }),
      body(),
      NOW
    )
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('01234567890')
  })

  it('ignores Range on HEAD and on non-200 responses', async () => {
    expect(
      applyRange(get({ range: 'bytes=0-1' }, 'HEAD'), 200, new Headers(), body(), NOW).status
    ).toBe(200)
    expect(applyRange(get({ range: 'bytes=0-1' }), 404, new Headers(), body(), NOW).status).toBe(
      404
    )
  })
})
