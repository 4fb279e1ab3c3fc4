/**
 * Fuzz: WebSocket-over-HTTP (issue #12). Event bodies from the origin, whole or damaged, go
 * through the codec, through `WohExchange`, and through the gateway's WebSocket path with a
 * fake client socket: the origin answers the OPEN and every later request with random events,
 * headers and statuses while the client talks and publishes arrive. Nothing may throw, hang
 * or log an error; the upgrade gets an origin status or a documented error; and once the
 * client has gone, the connection and its subscriptions are released.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeWsEvents, encodeWsEvents } from '../../src/grip/ws-events.ts'
import { WohExchange } from '../../src/hub/woh-exchange.ts'
import {
  count,
  figures,
  fuzzCase,
  fuzzParams,
  fuzzSync,
  fuzzTimeout,
  HEAP_GROWTH_BOUND_MIB,
  heapMiB,
} from '../helpers/fuzz.ts'
import { FUZZ_CHANNELS, FUZZ_KEY, fuzzGateway, turns } from '../helpers/fuzz-gateway.ts'
import { judgeRelayed } from '../helpers/fuzz-judge.ts'
import { eventsBody, wohHeaders, wohStatus } from '../helpers/fuzz-ws-arbitraries.ts'

/** One origin answer to a WOH request. */
const answer = (first?: { type: 'OPEN' }) =>
  fc.record({ status: wohStatus, headers: wohHeaders, body: eventsBody(first) })

type Answer = { status: number; headers: Record<string, string>; body: Uint8Array }

const toResponse = (a: Answer) =>
  new Response(a.status === 204 ? null : (a.body as Uint8Array<ArrayBuffer>), {
    status: a.status,
    headers: a.headers,
  })

/** What the client does once connected. */
const clientAction = fc.oneof(
  fc.record({
    kind: fc.constantFrom('text', 'binary', 'ping', 'pong') as fc.Arbitrary<'text'>,
    data: fc.uint8Array({ maxLength: 32 }),
  }),
  fc.record({ kind: fc.constant('publish' as const), channel: fc.constantFrom(...FUZZ_CHANNELS) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.nat({ max: 90_000 }) })
)

describe('fuzz: WebSocket-over-HTTP', () => {
  it(
    'decodeWsEvents: a Result; what it accepts re-encodes to the same events',
    () => {
      const f = figures('ws-events decode', false)
      fc.assert(
        fc.property(eventsBody(), (body) => {
          const decoded = fuzzSync(f, () => decodeWsEvents(body))
          count(f, decoded.ok ? 'ok' : 'error')
          if (decoded.ok) expect(decodeWsEvents(encodeWsEvents(decoded.value))).toEqual(decoded)
          else expect(typeof decoded.error).toBe('string')
        }),
        fuzzParams()
      )
    },
    fuzzTimeout()
  )

  it(
    'WohExchange reads any origin answer into a reply, never a throw',
    async () => {
      const f = figures('WohExchange.readOpen / read', false)
      await fc.assert(
        fc.asyncProperty(answer({ type: 'OPEN' }), answer(), async (open, later) => {
          const exchange = new WohExchange(async () => toResponse(later))
          const [first, second] = await fuzzCase(f, async () => [
            await exchange.readOpen(toResponse(open)),
            await exchange.read(toResponse(later)),
          ])
          count(f, `open ${first.ok ? 'ok' : 'refused'}`)
          expect(typeof second.ok).toBe('boolean')
        }),
        fuzzParams()
      )
    },
    fuzzTimeout()
  )

  it(
    'through the gateway: random OPEN answers, later answers, client messages and publishes',
    async () => {
      const f = figures('ws: through the gateway')
      const heapBefore = heapMiB()
      await fc.assert(
        fc.asyncProperty(
          answer({ type: 'OPEN' }),
          fc.array(answer(), { maxLength: 6 }),
          fc.array(clientAction, { maxLength: 6 }),
          fc.constantFrom(1000, 1001, undefined),
          async (open, later, actions, closeCode) => {
            const answers = [open, ...later]
            const g = fuzzGateway(() =>
              toResponse(
                answers.shift() ?? {
                  status: 200,
                  headers: { 'content-type': 'application/websocket-events' },
                  body: new Uint8Array(0),
                }
              )
            )
            const judged = await fuzzCase(f, async () => {
              const response = await g.app.request('http://gw.test/ws', {
                headers: { upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
              })
              const accepted = response.status === 200 && g.websocket.sockets.length > 0
              const judged = accepted ? { status: 200 } : await judgeRelayed(f, response, open)
              if (accepted) count(f, 'accepted')
              const socket = g.websocket.sockets[0]
              for (const action of accepted ? actions : []) {
                if (action.kind === 'wait') g.clock.advance(action.ms)
                else if (action.kind === 'publish') {
                  await g.publish(
                    JSON.stringify({
                      items: [
                        { channel: action.channel, formats: { 'ws-message': { content: 'p' } } },
                      ],
                    }),
                    { authorization: `Bearer ${FUZZ_KEY}` }
                  )
                } else socket?.clientSend(action.data, action.kind)
                await turns(3)
              }
              socket?.clientClose(closeCode, closeCode !== undefined)
              await turns(10)
              return judged
            })
            expect(judged.wrong).toBeUndefined()
            expect(g.errors()).toEqual([])
            expect(g.held()).toEqual({ connections: 0, channels: 0, subscriptions: 0 })
          }
        ),
        fuzzParams(2)
      )
      f.heapGrowthMiB = heapMiB() - heapBefore
      expect(f.heapGrowthMiB).toBeLessThan(HEAP_GROWTH_BOUND_MIB)
    },
    fuzzTimeout(2)
  )
})
