import { describe, expect, it } from 'vitest'
import type { PublishPurgeConfig } from '../../../src/config/types.ts'
import type { JsonObject } from '../../../src/grip/json-fields.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import { parsePublishBody } from '../../../src/grip/publish-item.ts'
import { publishAndPurge } from '../../../src/publish/flow.ts'
import type { PublishBody } from '../../../src/publish/read-body.ts'
import { recordingPurger } from '../../fakes/recording-purger.ts'

const PURGE: PublishPurgeConfig = { channels: true, keys: { 'item-*': ['items'] }, soft: false }

const stream = (content: string) => ({ 'http-stream': { content } })

function body(json: { items: JsonObject[]; 'purge-mode'?: string }): PublishBody {
  const parsed = parsePublishBody(json)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return { items: parsed.value, raw: json.items }
}

/** A tier that records batches (into the shared log), items and their JSON. */
function recordingTier(log: string[], fail?: Error) {
  const batches: { items: PublishItem[]; raw: JsonObject[] }[] = []
  const tier = {
    async publish(items: readonly PublishItem[], raw?: readonly JsonObject[]) {
      log.push(`deliver ${items.map((item) => item.channel).join(',')}`)
      if (fail) throw fail
      batches.push({ items: [...items], raw: [...(raw ?? [])] })
      return { items: items.length, released: items.length, held: 0, duplicates: 0 }
    },
  }
  return { batches, tier }
}

describe('publishAndPurge: purge first, then deliver (consistency contract 3)', () => {
  it('purges every key of every item before forwarding anything', async () => {
    const log: string[] = []
    const api = recordingTier(log)
    const report = await publishAndPurge(
      body({
        items: [
          { channel: 'item-1', formats: stream('a'), purge: ['home'] },
          { channel: 'news', formats: stream('b') },
        ],
      }),
      PURGE,
      recordingPurger({}, log),
      api.tier
    )
    expect(log).toEqual([
      'purge item-1',
      'purge items',
      'purge home',
      'purge news',
      'deliver item-1,news',
    ])
    expect(report).toEqual({
      items: [
        { index: 0, channel: 'item-1', outcome: 'published' },
        { index: 1, channel: 'news', outcome: 'published' },
      ],
      purgedKeys: ['item-1', 'items', 'home', 'news'],
      failedKeys: [],
      objects: null,
      report: { items: 2, released: 2, held: 0, duplicates: 0 },
    })
  })

  it('gives the tier each item with its publish JSON as sent', async () => {
    const api = recordingTier([])
    await publishAndPurge(
      body({
        'purge-mode': 'soft',
        items: [
          {
            channel: 'c',
            id: '2',
            'prev-id': '1',
            purge: ['k'],
            'purge-mode': 'hard',
            formats: { 'ws-message': { content: 'hi' }, 'http-stream': { content: 'x' } },
          },
        ],
      }),
      PURGE,
      recordingPurger(),
      api.tier
    )
    expect(api.batches.map((batch) => batch.raw)).toEqual([
      [
        {
          channel: 'c',
          id: '2',
          'prev-id': '1',
          purge: ['k'],
          'purge-mode': 'hard',
          formats: { 'ws-message': { content: 'hi' }, 'http-stream': { content: 'x' } },
        },
      ],
    ])
    expect(api.batches[0]?.items.map((item) => item.id)).toEqual(['2'])
  })

  it('soft-purges soft items and hard-purges a key any item wants hard', async () => {
    const purger = recordingPurger()
    await publishAndPurge(
      body({
        items: [
          { channel: 'a', purge: ['shared'], 'purge-mode': 'soft', formats: stream('1') },
          { channel: 'b', purge: ['shared'], formats: stream('2') },
        ],
      }),
      PURGE,
      purger,
      recordingTier([]).tier
    )
    expect(purger.purged).toEqual([
      { key: 'b', soft: false },
      { key: 'shared', soft: false },
      { key: 'a', soft: true },
    ])
  })

  it('does not deliver an item whose purge failed, and says which keys failed', async () => {
    const log: string[] = []
    const api = recordingTier(log)
    const report = await publishAndPurge(
      body({
        items: [
          { channel: 'item-1', formats: stream('a') },
          { channel: 'news', formats: stream('b') },
        ],
      }),
      PURGE,
      recordingPurger({ items: 'hostcall refused' }, log),
      api.tier
    )
    expect(api.batches.map((batch) => batch.raw)).toEqual([
      [{ channel: 'news', formats: stream('b') }],
    ])
    expect(api.batches[0]?.items.map((item) => item.channel)).toEqual(['news'])
    expect(report.items).toEqual([
      { index: 0, channel: 'item-1', outcome: 'purge-failed', failedKeys: ['items'] },
      { index: 1, channel: 'news', outcome: 'published' },
    ])
    expect(report.failedKeys).toEqual([{ key: 'items', reason: 'hostcall refused' }])
    expect(report.purgedKeys).toEqual(['item-1', 'news'])
  })

  it('lets an error of the tier itself through, after the purge', async () => {
    const log: string[] = []
    const failing = recordingTier(log, new Error('bus down'))
    await expect(
      publishAndPurge(
        body({ items: [{ channel: 'news', formats: stream('b') }] }),
        PURGE,
        recordingPurger({}, log),
        failing.tier
      )
    ).rejects.toThrow('bus down')
    expect(log).toEqual(['purge news', 'deliver news'])
  })

  it('adds up the objects each purge covered where the cache counts them', async () => {
    const counting = {
      purge: async (keys: readonly string[], soft: boolean) => ({
        soft,
        purged: [...keys],
        failed: [],
        objects: keys.length * 2,
      }),
    }
    const report = await publishAndPurge(
      body({
        items: [
          { channel: 'a', formats: stream('1') },
          { channel: 'b', 'purge-mode': 'soft', formats: stream('2') },
        ],
      }),
      PURGE,
      counting,
      recordingTier([]).tier
    )
    expect(report.objects).toBe(4)
  })

  it('delivers nothing when every purge failed', async () => {
    const api = recordingTier([])
    const report = await publishAndPurge(
      body({ items: [{ channel: 'news', formats: stream('b') }] }),
      PURGE,
      recordingPurger({ news: 'no' }),
      api.tier
    )
    expect(api.batches).toEqual([])
    expect(report.report).toBeUndefined()
  })

  it('an empty batch purges and delivers nothing', async () => {
    const api = recordingTier([])
    const report = await publishAndPurge(body({ items: [] }), PURGE, recordingPurger(), api.tier)
    expect(report).toEqual({ items: [], purgedKeys: [], failedKeys: [], objects: null })
    expect(api.batches).toEqual([])
  })
})
