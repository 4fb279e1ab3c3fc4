/**
 * WebSocket subscribers resumed from the channel history (issue #15): a `c:` subscribe with
 * the gripgate `prev-id` field gets the items after it, then live items, once each.
 */
import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/grip/bytes.ts'
import { parseControlMessage } from '../../../src/grip/ws-control.ts'
import { encodeWsEvents, type WsEvent } from '../../../src/grip/ws-events.ts'
import { WOH_CONTENT_TYPE, WohExchange } from '../../../src/hub/woh-exchange.ts'
import { WsSession } from '../../../src/hub/ws-session.ts'
import type { WsSocket } from '../../../src/ws-socket.ts'
import { historyConfig, hubHarness, items, settle } from '../../helpers/grip-harness.ts'

class RecordingSocket implements WsSocket {
  readonly sent: string[] = []
  bufferedAmount = 0
  send(data: string | Uint8Array): void {
    this.sent.push(typeof data === 'string' ? data : `bin:${data.byteLength}`)
  }
  ping(): void {}
  pong(): void {}
  close(): void {}
  terminate(): void {}
}

const text = (content: string): WsEvent => ({ type: 'TEXT', content: utf8(content) })
const subscribe = (fields: object) =>
  text(`c:${JSON.stringify({ type: 'subscribe', channel: 'c', ...fields })}`)
const ws = (id: string) => ({ channel: 'c', id, formats: { 'ws-message': { content: `m${id}` } } })

async function open(subscribeFields: object, history = true) {
  const harness = hubHarness({}, history ? historyConfig() : undefined)
  harness.hub.publish(items(ws('1'), ws('2'), ws('3')))
  const answer = new Response(
    encodeWsEvents([{ type: 'OPEN' }, subscribe(subscribeFields)]) as Uint8Array<ArrayBuffer>,
    { headers: { 'content-type': WOH_CONTENT_TYPE, 'sec-websocket-extensions': 'grip' } }
  )
  const exchange = new WohExchange(async () => new Response(null, { status: 200 }))
  const reply = await exchange.readOpen(answer)
  if (!reply.ok) throw new Error(reply.reason)
  harness.hub.openConnection('websocket')
  const session = new WsSession(harness.hub, exchange, reply)
  const socket = new RecordingSocket()
  session.onOpen(socket)
  return { ...harness, socket }
}

describe('WebSocket subscribe with prev-id', () => {
  it('parses prev-id on subscribe', () => {
    expect(parseControlMessage(utf8('{"type":"subscribe","channel":"c","prev-id":"7"}'))).toEqual({
      ok: true,
      value: { type: 'subscribe', channel: 'c', prevId: '7' },
    })
    expect(parseControlMessage(utf8('{"type":"subscribe","channel":"c","prev-id":7}')).ok).toBe(
      false
    )
  })

  it('sends the items after prev-id from history, then live ones, each once', async () => {
    const h = await open({ 'prev-id': '1' })
    // Published before the lookup answers: delivered once, after the history.
    h.hub.publish(items(ws('4')))
    await settle()
    h.hub.publish(items(ws('5')))
    expect(h.socket.sent).toEqual(['m2', 'm3', 'm4', 'm5'])
    expect(h.hub.counters).toMatchObject({ resumes: 1, resumedItems: 2 })
  })

  it('sends nothing from history for a current or unknown prev-id, or without history', async () => {
    for (const [fields, history] of [
      [{ 'prev-id': '3' }, true],
      [{ 'prev-id': 'gone' }, true],
      [{ 'prev-id': '1' }, false],
      [{}, true],
    ] as const) {
      const h = await open(fields, history)
      await settle()
      h.hub.publish(items(ws('4')))
      await settle()
      expect(h.socket.sent).toEqual(['m4'])
    }
  })
})
