/**
 * The `FanoutTier` contract (src/fanout.ts): every implementation runs this suite from its
 * own test file, to the depth its platform allows: the embedded hub and the cluster tier hold
 * connections and count deliveries; Fastly Fanout takes requests in front of the origin
 * (`front`), relays publishes and cannot count. Never run directly: the name does not match
 * vitest's include pattern.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GatewayError } from '../../src/errors.ts'
import type { FanoutTier, OriginAgain } from '../../src/fanout.ts'
import { utf8 } from '../../src/grip/bytes.ts'
import { parseInstruct } from '../../src/grip/instruct.ts'
import type { JsonObject } from '../../src/grip/json-fields.ts'
import { type PublishItem, parsePublishBody } from '../../src/grip/publish-item.ts'

/** What a tier can do on its platform. */
export interface FanoutTierContractOptions {
  /** A new tier holding nothing; `close` stops what `make` started. */
  make: () => Promise<{ tier: FanoutTier; close?: () => Promise<void> }>
  /** Holds connections itself (a stream hold is answered and fed by publishes). */
  holds: boolean
  /** Counts each item's outcome (`released`, `held`, `duplicates`), or says null. */
  counts: boolean
}

/** Longest wait for a held stream's next bytes: guards against a hang, times nothing. */
const READ_GUARD_MS = 5000

const noOrigin: OriginAgain = {
  replay: () => Promise.reject(new Error('the contract never replays')),
  fetchLink: () => Promise.reject(new Error('the contract follows no links')),
}

function batch(items: JsonObject[]): { items: PublishItem[]; raw: JsonObject[] } {
  const parsed = parsePublishBody({ items })
  if (!parsed.ok) throw new Error(parsed.error.message)
  return { items: parsed.value, raw: items }
}

function streamInstruct(channel: string) {
  const parsed = parseInstruct(
    200,
    new Headers({ 'grip-hold': 'stream', 'grip-channel': channel, 'content-type': 'text/plain' }),
    utf8('start\n')
  )
  if (!parsed.ok) throw new Error(parsed.error)
  return parsed.value
}

/** Reads a held stream until `text` has arrived (or it ends); bounded by READ_GUARD_MS. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, text: string) {
  const decoder = new TextDecoder()
  let seen = ''
  const deadline = Date.now() + READ_GUARD_MS
  while (!seen.includes(text) && Date.now() < deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const guard = new Promise<{ done: true; value: undefined }>((resolve) => {
      timer = setTimeout(() => resolve({ done: true, value: undefined }), deadline - Date.now())
    })
    const { done, value } = await Promise.race([reader.read(), guard])
    clearTimeout(timer)
    if (done) break
    seen += decoder.decode(value, { stream: true })
  }
  return seen
}

/** Runs the shared `FanoutTier` contract against tiers built by `make`. */
export function runFanoutTierContract(name: string, options: FanoutTierContractOptions): void {
  describe(`FanoutTier contract: ${name}`, () => {
    let tier: FanoutTier
    let close: (() => Promise<void>) | undefined
    beforeEach(async () => {
      ;({ tier, close } = await options.make())
    })
    afterEach(async () => {
      tier.shutdown()
      await close?.()
    })

    it('keeps a positive number of channels per connection', () => {
      expect(Number.isInteger(tier.maxChannels)).toBe(true)
      expect(tier.maxChannels).toBeGreaterThan(0)
    })

    it('reports every item of a batch, counted or null', async () => {
      const { items, raw } = batch([
        { channel: 'ct-a', id: '1', formats: { 'http-stream': { content: 'x' } } },
        { channel: 'ct-b', formats: { 'http-stream': { content: 'y' } } },
      ])
      const report = await tier.publish(items, raw)
      expect(report.items).toBe(2)
      if (options.counts) {
        expect((report.released ?? 0) + (report.held ?? 0) + (report.duplicates ?? 0)).toBe(2)
      } else {
        expect([report.released, report.held, report.duplicates]).toEqual([null, null, null])
      }
    })

    it('shows its counters as JSON', async () => {
      const stats = await tier.stats()
      expect(JSON.parse(JSON.stringify(stats))).toEqual(stats)
    })

    if (options.holds) {
      it('holds a stream and writes a publish on its channel to it; shutdown ends it', async () => {
        const response = await tier.hold(
          new Request('http://gw.test/ct'),
          streamInstruct('ct-live'),
          noOrigin
        )
        expect(response.status).toBe(200)
        const reader = response.body!.getReader()
        expect(await readUntil(reader, 'start\n')).toContain('start\n')
        const { items, raw } = batch([
          { channel: 'ct-live', formats: { 'http-stream': { content: 'pushed\n' } } },
        ])
        await tier.publish(items, raw)
        expect(await readUntil(reader, 'pushed\n')).toContain('pushed\n')
        tier.shutdown()
        const rest = await reader.read().catch(() => ({ done: true }))
        expect(rest.done || (await reader.read().catch(() => ({ done: true }))).done).toBe(true)
      })

      if (options.counts) {
        it('counts an item whose id the channel has seen as a duplicate', async () => {
          const first = batch([
            { channel: 'ct-dup', id: 'x1', formats: { 'http-stream': { content: 'a' } } },
          ])
          await tier.publish(first.items, first.raw)
          const again = await tier.publish(first.items, first.raw)
          expect(again.duplicates).toBe(1)
        })
      }
    } else {
      it('takes realtime requests in front of the origin (front) and never holds after it', async () => {
        expect(tier.front).toBeDefined()
        const response = tier.front!.handOff(new Request('http://gw.test/ct'))
        expect(response).toBeInstanceOf(Response)
        expect(await tier.front!.callback(new Headers())).toBe('absent')
        const error = await tier
          .hold(new Request('http://gw.test/ct'), streamInstruct('ct'), noOrigin)
          .catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(GatewayError)
        expect((error as GatewayError).status).toBe(502)
      })
    }
  })
}
