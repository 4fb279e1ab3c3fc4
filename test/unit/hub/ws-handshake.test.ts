import { describe, expect, it } from 'vitest'
import { handshakeError } from '../../../src/hub/ws-handshake.ts'

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const VALID = {
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': KEY,
  'sec-websocket-version': '13',
}

const check = (headers: Record<string, string>, method = 'GET') =>
  handshakeError({ method, headers: new Headers(headers) })

describe('handshakeError (RFC 6455 §4.2.1)', () => {
  it('accepts a valid handshake, Connection lists included', () => {
    expect(check(VALID)).toBeUndefined()
    expect(check({ ...VALID, connection: 'keep-alive, Upgrade' })).toBeUndefined()
  })

  it.each<[string, Record<string, string>, string, number]>([
    ['no Connection: Upgrade', { ...VALID, connection: 'keep-alive' }, 'GET', 400],
    ['not a GET', VALID, 'POST', 400],
    ['no key', { ...VALID, 'sec-websocket-key': '' }, 'GET', 400],
    ['a short key', { ...VALID, 'sec-websocket-key': 'c2hvcnQ=' }, 'GET', 400],
    [
      'a key that is not base64',
      { ...VALID, 'sec-websocket-key': `${'!'.repeat(22)}==` },
      'GET',
      400,
    ],
    ['version 12', { ...VALID, 'sec-websocket-version': '12' }, 'GET', 426],
    [
      'no version',
      { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': KEY },
      'GET',
      426,
    ],
  ])('refuses %s', (_name, headers, method, status) => {
    const error = check(headers, method)
    expect(error?.status).toBe(status)
  })

  it('names the version it speaks on a 426 (§4.4)', () => {
    const response = check({ ...VALID, 'sec-websocket-version': '8' })?.getResponse()
    expect(response?.headers.get('sec-websocket-version')).toBe('13')
  })
})
