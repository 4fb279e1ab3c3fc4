/**
 * Fuzz: the publish body (issue #12). Arbitrary JSON, JSON shaped like publish items with
 * fields of random types, and random bytes under odd content types go to `POST /publish/`
 * of a gateway that holds a stream, a long-poll and a WebSocket on the channels the inputs
 * often name. Every answer must be below 500 (a 4xx as a problem document with a documented
 * code), nothing may throw or hang, the subscribers must stay healthy, and once they leave
 * the hub must hold nothing and the heap must be back near where it started.
 */
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  figures,
  fuzzCase,
  fuzzParams,
  fuzzTimeout,
  HEAP_GROWTH_BOUND_MIB,
  heapMiB,
} from '../helpers/fuzz.ts'
import { anyJson, bodyBytes } from '../helpers/fuzz-arbitraries.ts'
import {
  FUZZ_CHANNELS,
  FUZZ_KEY,
  type FuzzGateway,
  fuzzGateway,
  turns,
} from '../helpers/fuzz-gateway.ts'
import { judgeOwnAnswer } from '../helpers/fuzz-judge.ts'
import { itemShaped, publishHeaders } from '../helpers/fuzz-publish-arbitraries.ts'
import { holdSubscribers, subscriberOrigin } from '../helpers/fuzz-subscribers.ts'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { StreamReader } from '../helpers/stream-clients.ts'

describe('fuzz: publish body, in process', () => {
  let g: FuzzGateway
  let subscribers: Awaited<ReturnType<typeof holdSubscribers>>
  let heapBefore = 0

  beforeEach(async () => {
    heapBefore = heapMiB()
    g = fuzzGateway(subscriberOrigin)
    subscribers = await holdSubscribers(g)
  })

  afterEach(async () => {
    await subscribers.stop()
    // Items held for a missing prev-id are released after the sequencer's wait (5 s).
    g.clock.advance(10_000)
    await turns()
    expect(g.held()).toEqual({ connections: 0, channels: 0, subscriptions: 0 })
    expect(g.hub.snapshot().heldItems).toBe(0)
    expect(g.errors()).toEqual([])
  })

  /** Publishes one body and checks the answer and the subscribers. */
  async function publishOnce(f: ReturnType<typeof figures>, body: BodyInit, headers = {}) {
    const response = await fuzzCase(f, () => g.publish(body, headers))
    const judged = await judgeOwnAnswer(f, response)
    expect(judged.wrong).toBeUndefined()
    expect(judged.status).toBeLessThan(500)
    expect(await subscribers.check()).toBeUndefined()
    expect(g.errors()).toEqual([])
  }

  /** Runs `property`, then records the batch's heap growth and checks it. */
  async function run<T>(
    f: ReturnType<typeof figures>,
    property: fc.IAsyncProperty<[T]>,
    weight = 1
  ) {
    await fc.assert(property, fuzzParams(weight, [], { stateful: true }))
    await subscribers.stop()
    f.heapGrowthMiB = heapMiB() - heapBefore
    expect(f.heapGrowthMiB).toBeLessThan(HEAP_GROWTH_BOUND_MIB)
  }

  it(
    'arbitrary JSON',
    async () => {
      const f = figures('publish: arbitrary JSON')
      await run(
        f,
        fc.asyncProperty(anyJson, async (json) => {
          await publishOnce(f, JSON.stringify(json), { 'content-type': 'application/json' })
        })
      )
    },
    fuzzTimeout()
  )

  it(
    'JSON shaped like publish items, fields of random types',
    async () => {
      const f = figures('publish: item-shaped JSON')
      await run(
        f,
        fc.asyncProperty(fc.tuple(itemShaped, publishHeaders), async ([body, headers]) => {
          await publishOnce(f, JSON.stringify(body), headers)
        }),
        2
      )
    },
    fuzzTimeout(2)
  )

  it(
    'random bytes under odd content types',
    async () => {
      const f = figures('publish: random bytes')
      await run(
        f,
        fc.asyncProperty(fc.tuple(bodyBytes(), publishHeaders), async ([bytes, headers]) => {
          await publishOnce(f, bytes as Uint8Array<ArrayBuffer>, headers)
        })
      )
    },
    fuzzTimeout()
  )
})

/** undici refuses control characters in header values it sends; the raw-socket suite sends them. */
const clientSafe = (headers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      [...value].filter((c) => c === '\t' || (c >= ' ' && c !== '\x7f')).join(''),
    ])
  )

describe('fuzz: publish body, over a real socket', () => {
  let h: HostileSetup
  let subscriber: StreamReader

  beforeAll(async () => {
    h = await startHostile({ publish: { keys: [FUZZ_KEY] } })
    h.origin.on('/sub', {
      headers: { 'grip-hold': 'stream', 'grip-channel': FUZZ_CHANNELS.join(', ') },
      body: 'open\n',
    })
  })

  afterAll(async () => {
    subscriber?.close()
    await h?.close()
  })

  it(
    'item-shaped JSON and random bytes; the SSE subscriber still gets a publish afterwards',
    async () => {
      const f = figures('publish: over a real socket')
      subscriber = await StreamReader.open(`${h.url}/sub`)
      await subscriber.waitForText((text) => text.includes('open'), 'the stream to open')
      const body = fc.oneof(
        itemShaped.map((json) => new TextEncoder().encode(JSON.stringify(json))),
        bodyBytes()
      )
      await fc.assert(
        fc.asyncProperty(fc.tuple(body, publishHeaders), async ([bytes, headers]) => {
          const response = await fuzzCase(f, () =>
            fetch(`${h.url}/publish/`, {
              method: 'POST',
              headers: { authorization: `Bearer ${FUZZ_KEY}`, ...clientSafe(headers) },
              body: bytes as Uint8Array<ArrayBuffer>,
            })
          )
          const judged = await judgeOwnAnswer(f, response)
          expect(judged.wrong).toBeUndefined()
          expect(judged.status).toBeLessThan(500)
          // A published close ends the stream legitimately: open another one.
          if (subscriber.ended) {
            subscriber = await StreamReader.open(`${h.url}/sub`)
            await subscriber.waitForText((text) => text.includes('open'), 'the stream to reopen')
          }
        }),
        fuzzParams(0.2, [], { stateful: true })
      )
      const sentinel = `sentinel-${Date.now()}`
      const published = await fetch(`${h.url}/publish/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FUZZ_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          items: [
            { channel: 'a', 'no-seq': true, formats: { 'http-stream': { content: sentinel } } },
          ],
        }),
      })
      expect(published.status).toBe(200)
      await subscriber.waitForText((text) => text.includes(sentinel), 'the sentinel publish')
    },
    fuzzTimeout(0.2)
  )
})
