/**
 * Long-lived subscribers on the fuzz channels, one per transport (a stream, a long-poll and
 * a WebSocket), held through a fuzz gateway while a property publishes at it. After each
 * input `check()` says whether one of them crashed; ones that ended legitimately (a published
 * `close`, an answered long-poll) are opened again.
 */
import { encodeWsEvents } from '../../src/grip/ws-events.ts'
import { WOH_CONTENT_TYPE } from '../../src/hub/woh-exchange.ts'
import { drain, FUZZ_CHANNELS, type FuzzGateway, turns } from './fuzz-gateway.ts'

const CHANNELS = FUZZ_CHANNELS.join(', ')
const utf8 = (text: string) => new TextEncoder().encode(text)

/** Origin answers for `/sub` (stream), `/poll` (long-poll) and `/ws` (WebSocket-over-HTTP). */
export function subscriberOrigin(request: Request): Response {
  const path = new URL(request.url).pathname
  if (path === '/sub') {
    return new Response('open\n', {
      headers: { 'grip-hold': 'stream', 'grip-channel': CHANNELS, 'content-type': 'text/plain' },
    })
  }
  if (path === '/poll') {
    return new Response('timeout\n', {
      headers: { 'grip-hold': 'response', 'grip-channel': CHANNELS, 'content-type': 'text/plain' },
    })
  }
  if (path === '/ws') {
    const subscribe = FUZZ_CHANNELS.map((channel) => ({
      type: 'TEXT' as const,
      content: utf8(`c:${JSON.stringify({ type: 'subscribe', channel })}`),
    }))
    return new Response(
      encodeWsEvents([{ type: 'OPEN' }, ...subscribe]) as Uint8Array<ArrayBuffer>,
      {
        headers: { 'content-type': WOH_CONTENT_TYPE, 'sec-websocket-extensions': 'grip' },
      }
    )
  }
  return new Response('origin\n')
}

/** A stream, a long-poll and a WebSocket subscribed to the fuzz channels of `g`. */
export async function holdSubscribers(g: FuzzGateway) {
  let stream = drain(await g.app.request('http://gw.test/sub'))
  let poll = Promise.resolve(g.app.request('http://gw.test/poll'))
  let pollDone = false
  const watch = (p: Promise<Response>) => {
    pollDone = false
    p.then(
      () => {
        pollDone = true
      },
      () => {
        pollDone = true
      }
    )
  }
  watch(poll)
  const openWs = async () => {
    const response = await g.app.request('http://gw.test/ws', { headers: { upgrade: 'websocket' } })
    if (response.status !== 200) throw new Error(`the WebSocket subscriber got ${response.status}`)
  }
  await openWs()
  await turns()

  return {
    /** Why a subscriber looks crashed, or undefined; reopens subscribers that ended cleanly. */
    async check(): Promise<string | undefined> {
      await turns(2)
      if (stream.state.error !== undefined) return `stream errored: ${String(stream.state.error)}`
      if (stream.state.ended) stream = drain(await g.app.request('http://gw.test/sub'))
      if (pollDone) {
        // A published `http-response` may set any code: a 5xx, or one a response cannot
        // carry (Pushpin's plain 502). Only a problem document is the gateway's own failure.
        const answered = await poll
        const text = await answered.text()
        poll = Promise.resolve(g.app.request('http://gw.test/poll'))
        watch(poll)
        const problem = answered.headers.get('content-type') === 'application/problem+json'
        if (problem && answered.status >= 500) {
          return `long-poll answered ${answered.status}: ${text.slice(0, 200)}`
        }
      }
      if (g.websocket.open.length === 0) await openWs()
      return undefined
    },
    /** Ends every subscriber, as clients leaving would. */
    async stop(): Promise<void> {
      await stream.cancel()
      for (const socket of g.websocket.open) socket.clientClose(1000)
      g.tier.shutdown()
      await turns(5)
      const answered = await poll
      if (!answered.bodyUsed) await answered.body?.cancel()
      await turns(5)
    },
  }
}
