/**
 * The WebSocket-over-HTTP requests of one connection (GRIP.md §7.2): one builder for a socket
 * accepted now and for one a platform rebuilds from a saved target.
 */
import { describe, expect, it } from 'vitest'
import type { SendToOrigin } from '../../../src/fanout.ts'
import {
  WOH_CONTENT_TYPE,
  WohExchange,
  type WohTarget,
  wohRequest,
  wohTarget,
} from '../../../src/hub/woh-exchange.ts'

const handshake = () =>
  new Request('https://gw.test/ws?room=1', {
    headers: {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
      'sec-websocket-extensions': 'permessage-deflate',
      'connection-id': 'forged',
      'meta-user': 'forged',
      accept: 'text/html',
      'content-type': 'text/plain',
      cookie: 'a=1',
    },
  })

describe('wohTarget', () => {
  it("keeps the handshake's fields but its connection's own, and adds the WOH fields", () => {
    const target = wohTarget(handshake())
    const fields = Object.fromEntries(target.headers)
    expect(target.url).toBe('https://gw.test/ws?room=1')
    expect(fields).toEqual({
      accept: WOH_CONTENT_TYPE,
      'connection-id': target.id,
      'content-type': WOH_CONTENT_TYPE,
      cookie: 'a=1',
      'sec-websocket-extensions': 'grip',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
    })
  })

  it('gives every connection its own id', () => {
    expect(wohTarget(handshake()).id).not.toBe(wohTarget(handshake()).id)
  })
})

describe('wohRequest', () => {
  it('POSTs the events to the target, sized, with the meta over the fixed fields', async () => {
    const target: WohTarget = { id: 'c1', url: 'https://gw.test/ws', headers: [['x-a', '1']] }
    const request = wohRequest(target, new Uint8Array([1, 2, 3]), [['meta-user', 'u']])
    expect(request.method).toBe('POST')
    expect(request.url).toBe('https://gw.test/ws')
    expect([...request.headers]).toEqual([
      ['content-length', '3'],
      ['meta-user', 'u'],
      ['x-a', '1'],
    ])
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('says Content-Length: 0 on a keep-alive poll', () => {
    const target = wohTarget(handshake())
    expect(wohRequest(target, new Uint8Array(0), []).headers.get('content-length')).toBe('0')
  })
})

describe('WohExchange.to', () => {
  it('sends each post around the cache, with the meta the origin set', async () => {
    const sent: Array<{ request: Request; direct: boolean }> = []
    const send: SendToOrigin = async (request, { direct }) => {
      sent.push({ request, direct })
      return new Response(null, { status: 204 })
    }
    const exchange = WohExchange.to(wohTarget(handshake()), send)
    exchange.updateMeta([{ name: 'user', value: 'alice' }])
    await exchange.post(new Uint8Array(0))
    expect(sent.map(({ direct }) => direct)).toEqual([true])
    expect(sent[0]?.request.headers.get('meta-user')).toBe('alice')
  })
})
