import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/grip/bytes.ts'
import { decodeWsEvents, encodeWsEvents, type WsEvent } from '../../../src/grip/ws-events.ts'
import { WOH_CONTENT_TYPE, WohExchange } from '../../../src/hub/woh-exchange.ts'
import { WsSession, type WsSessionSnapshot } from '../../../src/hub/ws-session.ts'
import type { WsSocket } from '../../../src/ws-socket.ts'
import { hubHarness, items, seconds, settle } from '../../helpers/grip-harness.ts'

/** A client socket that records what the session did to it. */
class RecordingSocket implements WsSocket {
  readonly sent: string[] = []
  readonly closes: Array<[number | undefined, string | undefined]> = []
  bufferedAmount = 0
  send(data: string | Uint8Array): void {
    this.sent.push(typeof data === 'string' ? data : `bin:${data.byteLength}`)
  }
  ping(): void {}
  pong(): void {}
  close(code?: number, reason?: string): void {
    this.closes.push([code, reason])
  }
  terminate(): void {}
}

/** One WOH request as the origin received it. */
interface Posted {
  events: WsEvent[]
  meta: [string, string][]
}

/** A WOH origin answer: GRIP on, the given events and extra headers. */
function wohAnswer(events: WsEvent[], headers: Record<string, string> = {}): Response {
  return new Response(encodeWsEvents(events) as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': WOH_CONTENT_TYPE,
      'sec-websocket-extensions': 'grip',
      ...headers,
    },
  })
}

const text = (content: string): WsEvent => ({ type: 'TEXT', content: utf8(content) })
const control = (value: object) => text(`c:${JSON.stringify(value)}`)

/** An exchange whose requests are recorded and answered by `answers` in turn (then empty). */
function scriptedExchange(answers: Response[] = []) {
  const posted: Posted[] = []
  const exchange = new WohExchange(async (body, meta) => {
    const decoded = decodeWsEvents(body)
    posted.push({ events: decoded.ok ? decoded.value : [], meta })
    return answers.shift() ?? wohAnswer([])
  })
  return { exchange, posted }
}

/** A session opened by an OPEN answer, as ws-proxy.ts opens one. */
async function openSession(openAnswer: Response) {
  const harness = hubHarness()
  const { exchange, posted } = scriptedExchange()
  const reply = await exchange.readOpen(openAnswer)
  if (!reply.ok) throw new Error(reply.reason)
  harness.hub.openConnection('websocket')
  const session = new WsSession(harness.hub, exchange, reply)
  const socket = new RecordingSocket()
  let changes = 0
  session.observe(() => {
    changes += 1
  })
  session.onOpen(socket)
  return { ...harness, session, socket, posted, changes: () => changes }
}

const OPEN_ANSWER = () =>
  wohAnswer(
    [
      { type: 'OPEN' },
      control({ type: 'subscribe', channel: 'news' }),
      control({ type: 'keep-alive', content: 'ka', timeout: 40, mode: 'interval' }),
      text('m:welcome'),
    ],
    { 'set-meta-user': 'alice', 'keep-alive-interval': '30' }
  )

describe('WsSession snapshot', () => {
  it('captures channels, meta, GRIP mode and both timers after the OPEN answer', async () => {
    const { session, socket, clock, changes } = await openSession(OPEN_ANSWER())
    expect(socket.sent).toEqual(['welcome'])
    const snapshot = session.snapshot()
    expect(snapshot).toMatchObject({
      channels: ['news'],
      detached: false,
      originClosed: false,
      grip: { enabled: true, prefix: 'm:' },
      meta: { user: 'alice' },
      keepAliveIntervalSec: 30,
      pollAt: clock.now() + seconds(30),
      keepAlive: {
        dueAt: clock.now() + seconds(40),
        settings: { timeoutSec: 40, mode: 'interval' },
      },
    })
    expect(changes()).toBeGreaterThan(0)
  })

  it('survives structured cloning, as a hibernation attachment is stored', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const copy = structuredClone(session.snapshot())
    expect(copy).toEqual(session.snapshot())
  })

  it('tells the observer when a later answer changes the state', async () => {
    const harness = hubHarness()
    const { exchange } = scriptedExchange([
      wohAnswer([control({ type: 'subscribe', channel: 'b' })]),
    ])
    const reply = await exchange.readOpen(wohAnswer([{ type: 'OPEN' }]))
    if (!reply.ok) throw new Error(reply.reason)
    const session = new WsSession(harness.hub, exchange, reply)
    let changes = 0
    session.observe(() => {
      changes += 1
    })
    session.onOpen(new RecordingSocket())
    const before = changes
    session.onMessage(utf8('hi'), false)
    await settle()
    expect(changes).toBeGreaterThan(before)
    expect(session.snapshot().channels).toEqual(['b'])
  })
})

describe('WsSession.restore', () => {
  async function restored(snapshot: WsSessionSnapshot, answers: Response[] = []) {
    const harness = hubHarness()
    const { exchange, posted } = scriptedExchange(answers)
    const socket = new RecordingSocket()
    const session = WsSession.restore(harness.hub, exchange, socket, snapshot)
    return { ...harness, session, socket, posted }
  }

  it('resubscribes, counts the connection and delivers publishes to the same socket', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const { hub, socket } = await restored(structuredClone(session.snapshot()))
    expect(hub.connections.websocket).toBe(1)
    expect(hub.snapshot().subscriptions).toBe(1)
    hub.publish(items({ channel: 'news', formats: { 'ws-message': { content: 'hello' } } }))
    expect(socket.sent).toEqual(['hello'])
  })

  it('polls the origin when the saved poll time comes, with the saved meta', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const snapshot = session.snapshot()
    const { clock, posted } = await restored(snapshot)
    clock.advance(snapshot.pollAt! - clock.now() - 1)
    expect(posted).toHaveLength(0)
    clock.advance(1)
    await settle()
    expect(posted).toHaveLength(1)
    expect(posted[0]).toEqual({ events: [], meta: [['meta-user', 'alice']] })
  })

  it('polls at once when the saved poll time has passed while the host slept', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const snapshot = { ...session.snapshot(), pollAt: 0 }
    const { clock, posted } = await restored(snapshot)
    clock.advance(0)
    await settle()
    expect(posted).toHaveLength(1)
  })

  it('resumes the client keep-alive at its saved due time', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const snapshot = session.snapshot()
    const { clock, socket } = await restored(snapshot)
    clock.advance(snapshot.keepAlive!.dueAt - clock.now())
    expect(socket.sent).toEqual(['ka'])
  })

  it('keeps the GRIP prefix: origin messages after a restore are still unwrapped', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const answers = [wohAnswer([text('m:back'), text('dropped: no prefix')])]
    const { socket, session: again, posted } = await restored(session.snapshot(), answers)
    again.onMessage(utf8('ping'), false)
    await settle()
    expect(posted[0]?.events.map((event) => event.type)).toEqual(['TEXT'])
    expect(socket.sent).toEqual(['back'])
  })

  it('tells the origin CLOSE when the client closes after a restore, and frees the slot', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const { hub, session: again, posted } = await restored(session.snapshot())
    again.onClose(1000, 'bye', true)
    await settle()
    expect(posted.at(-1)?.events.map((event) => event.type)).toEqual(['CLOSE'])
    expect(hub.connections.websocket).toBe(0)
    expect(hub.snapshot().subscriptions).toBe(0)
  })

  it('stays detached: client messages are not sent on', async () => {
    const { session } = await openSession(OPEN_ANSWER())
    const snapshot = { ...session.snapshot(), detached: true }
    const { session: again, posted } = await restored(snapshot)
    again.onMessage(utf8('ignored'), false)
    await settle()
    expect(posted).toHaveLength(0)
  })
})
