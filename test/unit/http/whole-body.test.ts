import { describe, expect, it } from 'vitest'
import { readUpTo } from '../../../src/http/body.ts'
import { withIdleTimeout } from '../../../src/http/idle-timeout.ts'
import { wholeBodyOf, wholeBodyResponse } from '../../../src/http/whole-body.ts'

const bytes = (text: string) => new TextEncoder().encode(text)
const never = () => new Error('idle')

describe('whole bodies', () => {
  it('answers with the bytes, status, reason and headers, marked whole', async () => {
    const body = { bytes: bytes('hello'), statusText: 'Fine' }
    const headers = new Headers({ 'content-type': 'text/plain' })
    const response = wholeBodyResponse(203, headers, body)
    expect([response.status, response.statusText]).toEqual([203, 'Fine'])
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(wholeBodyOf(response)).toBe(body)
    expect(await response.text()).toBe('hello')
  })

  it('is read by readUpTo without its stream, within the limit only', async () => {
    const body = { bytes: bytes('0123456789'), statusText: '' }
    const response = wholeBodyResponse(200, new Headers(), body)
    expect(await readUpTo(response, 10)).toBe(body.bytes)
    expect(await readUpTo(wholeBodyResponse(200, new Headers(), body), 9)).toBeUndefined()
  })

  it('is not put under the idle timeout: there is nothing left to wait for', () => {
    const response = wholeBodyResponse(200, new Headers(), { bytes: bytes('x'), statusText: '' })
    expect(withIdleTimeout(response, 1, never)).toBe(response)
  })

  it('leaves an unmarked response to its stream', async () => {
    const response = new Response('streamed')
    expect(wholeBodyOf(response)).toBeUndefined()
    const timed = withIdleTimeout(response, 1_000, never)
    expect(timed).not.toBe(response)
    expect(new TextDecoder().decode(await readUpTo(timed, 100))).toBe('streamed')
  })
})
