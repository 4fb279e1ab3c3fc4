import { describe, expect, it } from 'vitest'
import {
  decodeHold,
  encodeHold,
  fromWire,
  type HoldPayload,
  hasBody,
  toWire,
} from '../../edge/cloudflare/fanout/wire.ts'
import { parseInstruct } from '../../src/grip/instruct.ts'

function instruct(body: Uint8Array) {
  const parsed = parseInstruct(
    200,
    new Headers({
      'grip-hold': 'stream',
      'grip-channel': 'a; prev-id=7, b',
      'grip-keep-alive': '\\x00\\xff; format=cstring; timeout=20',
      'content-type': 'application/octet-stream',
    }),
    body
  )
  if (!parsed.ok) throw new Error(parsed.error)
  return parsed.value
}

describe('the hold handed from the Worker to a holder', () => {
  it('survives the JSON of a fetch with its bytes intact', () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i % 256)
    const payload: HoldPayload = {
      request: toWire(new Request('https://gw.test/s?x=1', { headers: { 'x-a': '1' } })),
      instruct: instruct(bytes),
    }
    const back = decodeHold(encodeHold(payload))
    expect(back).toEqual(payload)
    expect(back.instruct.response.body).toBeInstanceOf(Uint8Array)
    expect(back.instruct.keepAlive?.data).toEqual(Uint8Array.of(0, 0xff))
  })

  it('rebuilds the client request without its body', () => {
    const wire = toWire(new Request('https://gw.test/p', { method: 'POST', body: 'x' }))
    const request = fromWire(wire)
    expect([request.method, request.url, request.body]).toEqual(['POST', 'https://gw.test/p', null])
  })

  it('knows which requests only the Worker can replay', () => {
    expect(hasBody(new Request('https://gw.test/', { method: 'POST', body: 'x' }))).toBe(true)
    expect(hasBody(new Request('https://gw.test/', { method: 'POST' }))).toBe(false)
    expect(hasBody(new Request('https://gw.test/'))).toBe(false)
  })
})
