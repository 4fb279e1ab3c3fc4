/**
 * Fuzz: GRIP instructions through the gateway (issue #12). A scripted origin answers each
 * client request with random `Grip-*` headers and `application/grip-instruct` bodies; the
 * gateway must answer with what the origin asked for or a documented error (502
 * GRIP_BAD_INSTRUCT, or Pushpin's plain 502 for a status a response cannot carry), never a
 * 500 INTERNAL, never throw or hang, and every hold it opened must be released once the
 * client leaves. The origin never answers 5xx itself, so any other 5xx is the gateway's.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  count,
  figures,
  fuzzCase,
  fuzzParams,
  fuzzRuns,
  fuzzTimeout,
  HEAP_GROWTH_BOUND_MIB,
  heapMiB,
} from '../helpers/fuzz.ts'
import { drain, fuzzGateway, turns } from '../helpers/fuzz-gateway.ts'
import {
  type OriginAnswer,
  originAnswer,
  validAnswer,
} from '../helpers/fuzz-instruct-arbitraries.ts'
import { judgeRelayed } from '../helpers/fuzz-judge.ts'
import { eventually, type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { type RawOrigin, rawAnswer, startRawOrigin } from '../helpers/raw-origin.ts'

/** Statuses whose responses carry no body; `Response` refuses one for them. */
const NULL_BODY = new Set([101, 204, 205, 304])

/**
 * The origin's answer, one event-loop turn later as over a network. Answered at once, an
 * origin that pages through next links to itself (no hold, `Grip-Link: <…>; rel=next`) keeps
 * the session fetching in a loop of promise jobs that never lets a timer or the client run.
 */
const respond = (answer: OriginAnswer) => async () => {
  await new Promise<void>((resolve) => setImmediate(resolve))
  return new Response(
    NULL_BODY.has(answer.status) ? null : (answer.body as Uint8Array<ArrayBuffer>),
    { status: answer.status, headers: answer.headers }
  )
}

/** Inputs fuzzing found failing, kept as regression cases (see grip-instruct.test.ts). */
const REGRESSIONS: [OriginAnswer, { method: string; body: Uint8Array }][] = [
  // No hold and a next link to itself: the session pages through the origin without end
  // while the client stays (found as a hang when the origin answered without yielding).
  [
    {
      status: 200,
      headers: { 'grip-link': '<http://gw.test/next>; rel=next', 'grip-status': '590 x' },
      body: new TextEncoder().encode('page'),
    },
    { method: 'GET', body: new Uint8Array(0) },
  ],
  // A Grip-Status reason with a control character: `new Response` threw (500 INTERNAL), and
  // the stream hold that was being opened kept its connection slot.
  [
    {
      status: 200,
      headers: { 'grip-hold': 'stream', 'grip-status': '200 a\x01b' },
      body: new Uint8Array(0),
    },
    { method: 'GET', body: new Uint8Array(0) },
  ],
]

const clientRequest = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST'),
  body: fc.uint8Array({ maxLength: 64 }),
})

describe('fuzz: GRIP instructions through the gateway, in process', () => {
  it(
    'origin answers with random Grip-* headers and instruct JSON',
    async () => {
      const f = figures('instruct: through the gateway')
      const heapBefore = heapMiB()
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(originAnswer(), validAnswer),
          clientRequest,
          async (answer, client) => {
            // A gateway per input: what one input leaks must not be blamed on the next.
            const g = fuzzGateway(respond(answer))
            const { response, judged } = await fuzzCase(f, async () => {
              const request = Promise.resolve(
                g.app.request('http://gw.test/x', {
                  method: client.method,
                  body: client.method === 'POST' ? (client.body as Uint8Array<ArrayBuffer>) : null,
                })
              )
              let settled = false
              request.then(
                () => {
                  settled = true
                },
                () => {
                  settled = true
                }
              )
              await turns(10)
              // A response hold: let its timeout pass (the default is 55 s), then end the rest.
              if (!settled) g.clock.advance(60_000)
              await turns(5)
              if (!settled) g.tier.shutdown()
              const response = await request
              return { response, judged: await judgeRelayed(f, response, answer, client.method) }
            })
            // A held stream: read what is there, then leave as a client would.
            const reading = drain(response)
            await turns(5)
            await reading.cancel()
            g.tier.shutdown()
            await turns(5)
            expect(judged.wrong).toBeUndefined()
            expect(reading.state.error).toBeUndefined()
            expect(g.errors()).toEqual([])
            expect(g.held()).toEqual({ connections: 0, channels: 0, subscriptions: 0 })
          }
        ),
        fuzzParams(2, REGRESSIONS)
      )
      f.heapGrowthMiB = heapMiB() - heapBefore
      expect(f.heapGrowthMiB).toBeLessThan(HEAP_GROWTH_BOUND_MIB)
    },
    fuzzTimeout(2)
  )
})

describe('fuzz: GRIP instructions through the gateway, over real sockets', () => {
  let h: HostileSetup<RawOrigin>

  beforeAll(async () => {
    h = await startHostile({}, [], { origin: startRawOrigin })
  })

  afterAll(() => h?.close())

  it(
    'a raw origin answers with random Grip-* headers and instruct JSON',
    async () => {
      const f = figures('instruct: over a real socket')
      // Durations up to 2^31 - 1 s, real timers included: every one is clamped
      // (src/grip/durations.ts) before it reaches a timer.
      const answers = fc.oneof(originAnswer(), validAnswer)
      await fc.assert(
        fc.asyncProperty(answers, clientRequest, async (answer, client) => {
          const body = NULL_BODY.has(answer.status) ? undefined : answer.body
          h.origin.answer(rawAnswer(answer.status, 'Fuzz', answer.headers, body))
          const leave = new AbortController()
          const { response, judged } = await fuzzCase(f, async () => {
            // A long-poll answers only at its timeout (5 s at least): leave before that, as
            // an impatient client does. Not a timing assertion: either outcome is judged.
            const timer = setTimeout(() => leave.abort(), 50)
            try {
              const response = await fetch(`${h.url}/x`, {
                method: client.method,
                body: client.method === 'POST' ? (client.body as Uint8Array<ArrayBuffer>) : null,
                signal: leave.signal,
              })
              return { response, judged: await judgeRelayed(f, response, answer, client.method) }
            } catch (error) {
              if (leave.signal.aborted) return { response: undefined, judged: undefined }
              throw error
            } finally {
              clearTimeout(timer)
            }
          })
          leave.abort()
          await response?.body?.cancel().catch(() => {})
          if (!judged) count(f, 'left while held')
          expect(judged?.wrong).toBeUndefined()
        }),
        fuzzParams(0.1)
      )
      // Every hold ends once its client has gone (a bounded wait, as a leak detector).
      await eventually(() => h.held() === 0, 10_000)
      expect(h.held()).toBe(0)
    },
    fuzzTimeout(0.1) + 10 * fuzzRuns(0.1) * 60
  )
})
