import { describe, expect, it } from 'vitest'
import {
  type ClientPeer,
  clientPeer,
  setForwardingHeaders,
  trustedProxies,
} from '../../../src/proxy/forwarding.ts'

const FORGED = {
  forwarded: 'for=6.6.6.6;host=evil.example',
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  'x-real-ip': '6.6.6.6',
  'true-client-ip': '6.6.6.6',
  'fastly-client-ip': '6.6.6.6',
  'cf-connecting-ip': '6.6.6.6',
}
const client = new URL('http://gw.test:8080/page')

function forwarded(peer: ClientPeer | undefined, init: Record<string, string> = FORGED) {
  const headers = new Headers(init)
  setForwardingHeaders(headers, client, peer)
  return Object.fromEntries(headers)
}

describe('trustedProxies', () => {
  it('matches addresses and ranges of both families, mapped IPv4 included', () => {
    const trusted = trustedProxies(['127.0.0.1', '10.0.0.0/8', '::1'])
    expect(trusted('127.0.0.1')).toBe(true)
    expect(trusted('::ffff:127.0.0.1')).toBe(true)
    expect(trusted('10.200.0.1')).toBe(true)
    expect(trusted('::1')).toBe(true)
    expect(trusted('127.0.0.2')).toBe(false)
    expect(trusted('not an address')).toBe(false)
    expect(trusted(undefined)).toBe(false)
  })

  it('trusts nobody by default', () => {
    expect(trustedProxies()('127.0.0.1')).toBe(false)
    expect(trustedProxies([])('::1')).toBe(false)
  })
})

describe('clientPeer', () => {
  const none = trustedProxies()
  it('writes a mapped IPv4 address as IPv4', () => {
    expect(clientPeer('::ffff:192.0.2.1', none)).toEqual({ address: '192.0.2.1', trusted: false })
    expect(clientPeer('2001:db8::1', none)).toEqual({ address: '2001:db8::1', trusted: false })
  })

  it('is unknown and untrusted without an address', () => {
    expect(clientPeer(undefined, () => true)).toEqual({ address: undefined, trusted: false })
    expect(clientPeer('', () => true)).toEqual({ address: undefined, trusted: false })
  })
})

describe('setForwardingHeaders', () => {
  it('replaces what an untrusted client says with what the gateway saw', () => {
    expect(forwarded({ address: '192.0.2.1', trusted: false })).toEqual({
      'x-forwarded-for': '192.0.2.1',
      'x-forwarded-host': 'gw.test:8080',
      'x-forwarded-proto': 'http',
    })
  })

  it('sends no X-Forwarded-For when the peer is unknown (a next link, a test)', () => {
    expect(forwarded(undefined)).toEqual({
      'x-forwarded-host': 'gw.test:8080',
      'x-forwarded-proto': 'http',
    })
  })

  it('extends a trusted proxy’s chain and keeps its host and scheme', () => {
    expect(forwarded({ address: '10.0.0.5', trusted: true })).toEqual({
      'x-forwarded-for': '6.6.6.6, 10.0.0.5',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      'x-real-ip': '6.6.6.6',
      'true-client-ip': '6.6.6.6',
      'fastly-client-ip': '6.6.6.6',
      'cf-connecting-ip': '6.6.6.6',
    })
  })

  it('fills in what a trusted proxy left out; never passes Forwarded on', () => {
    expect(forwarded({ address: '10.0.0.5', trusted: true }, { forwarded: 'for=1.1.1.1' })).toEqual(
      {
        'x-forwarded-for': '10.0.0.5',
        'x-forwarded-host': 'gw.test:8080',
        'x-forwarded-proto': 'http',
      }
    )
  })
})
