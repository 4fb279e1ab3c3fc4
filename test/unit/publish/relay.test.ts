import { describe, expect, it } from 'vitest'
import type { PublishPurgeConfig } from '../../../src/config/types.ts'
import type { JsonObject } from '../../../src/grip/json-fields.ts'
import { parsePublishBody } from '../../../src/grip/publish-item.ts'
import type { PublishBody } from '../../../src/publish/read-body.ts'
import { type FanoutPublishResult, fanoutItem, relayPublish } from '../../../src/publish/relay.ts'
import { recordingPurger } from '../../fakes/recording-purger.ts'

const PURGE: PublishPurgeConfig = { channels: true, keys: { 'item-*': ['items'] }, soft: false }

const stream = (content: string) => ({ 'http-stream': { content } })

function body(json: { items: JsonObject[]; 'purge-mode'?: string }): PublishBody {
  const parsed = parsePublishBody(json)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return { items: parsed.value, raw: json.items }
}

/** A publish API that records batches (into the shared log) and answers `result`. */
function recordingApi(log: string[], result: FanoutPublishResult = { ok: true, status: 200 }) {
  const batches: JsonObject[][] = []
  const forward = async (items: readonly JsonObject[]) => {
    log.push(`forward ${items.map((item) => item.channel).join(',')}`)
    batches.push([...items])
    return result
  }
  return { batches, forward }
}

describe('relayPublish: purge first, then forward (consistency contract 3)', () => {
  it('purges every key of every item before forwarding anything', async () => {
    const log: string[] = []
    const api = recordingApi(log)
    const report = await relayPublish(
      body({
        items: [
          { channel: 'item-1', formats: stream('a'), purge: ['home'] },
          { channel: 'news', formats: stream('b') },
        ],
      }),
      PURGE,
      recordingPurger({}, log),
      api.forward
    )
    expect(log).toEqual([
      'purge item-1',
      'purge items',
      'purge home',
      'purge news',
      'forward item-1,news',
    ])
    expect(report).toEqual({
      items: [
        { index: 0, channel: 'item-1', outcome: 'published' },
        { index: 1, channel: 'news', outcome: 'published' },
      ],
      purgedKeys: ['item-1', 'items', 'home', 'news'],
      failedKeys: [],
      publishApi: { ok: true, status: 200 },
    })
  })

  it('forwards the items as sent, without gripgate’s purge fields', async () => {
    const api = recordingApi([])
    await relayPublish(
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
      api.forward
    )
    expect(api.batches).toEqual([
      [
        {
          channel: 'c',
          id: '2',
          'prev-id': '1',
          formats: { 'ws-message': { content: 'hi' }, 'http-stream': { content: 'x' } },
        },
      ],
    ])
  })

  it('soft-purges soft items and hard-purges a key any item wants hard', async () => {
    const purger = recordingPurger()
    await relayPublish(
      body({
        items: [
          { channel: 'a', purge: ['shared'], 'purge-mode': 'soft', formats: stream('1') },
          { channel: 'b', purge: ['shared'], formats: stream('2') },
        ],
      }),
      PURGE,
      purger,
      recordingApi([]).forward
    )
    expect(purger.purged).toEqual([
      { key: 'b', soft: false },
      { key: 'shared', soft: false },
      { key: 'a', soft: true },
    ])
  })

  it('does not forward an item whose purge failed, and says which keys failed', async () => {
    const log: string[] = []
    const api = recordingApi(log)
    const report = await relayPublish(
      body({
        items: [
          { channel: 'item-1', formats: stream('a') },
          { channel: 'news', formats: stream('b') },
        ],
      }),
      PURGE,
      recordingPurger({ items: 'hostcall refused' }, log),
      api.forward
    )
    expect(api.batches).toEqual([[{ channel: 'news', formats: stream('b') }]])
    expect(report.items).toEqual([
      { index: 0, channel: 'item-1', outcome: 'purge-failed', failedKeys: ['items'] },
      { index: 1, channel: 'news', outcome: 'published' },
    ])
    expect(report.failedKeys).toEqual([{ key: 'items', reason: 'hostcall refused' }])
    expect(report.purgedKeys).toEqual(['item-1', 'news'])
  })

  it('marks forwarded items failed when the publish API refuses the batch', async () => {
    const api = recordingApi([], { ok: false, status: 401, detail: 'Unauthorized' })
    const report = await relayPublish(
      body({ items: [{ channel: 'news', formats: stream('b') }] }),
      PURGE,
      recordingPurger(),
      api.forward
    )
    expect(report.items).toEqual([{ index: 0, channel: 'news', outcome: 'publish-failed' }])
    expect(report.publishApi).toEqual({ ok: false, status: 401, detail: 'Unauthorized' })
  })

  it('calls no API when every purge failed', async () => {
    const api = recordingApi([])
    const report = await relayPublish(
      body({ items: [{ channel: 'news', formats: stream('b') }] }),
      PURGE,
      recordingPurger({ news: 'no' }),
      api.forward
    )
    expect(api.batches).toEqual([])
    expect(report.publishApi).toBeUndefined()
  })

  it('an empty batch purges and forwards nothing', async () => {
    const api = recordingApi([])
    const report = await relayPublish(body({ items: [] }), PURGE, recordingPurger(), api.forward)
    expect(report).toEqual({ items: [], purgedKeys: [], failedKeys: [] })
    expect(api.batches).toEqual([])
  })
})

describe('fanoutItem', () => {
  it('keeps every field but purge and purge-mode', () => {
    expect(
      fanoutItem({ channel: 'c', meta: { a: 'b' }, purge: ['x'], 'purge-mode': 'soft' })
    ).toEqual({ channel: 'c', meta: { a: 'b' } })
  })
})
