import { describe, expect, it } from 'vitest'
import type { PublishPurgeConfig } from '../../../src/config/types.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import { mappedKeys, planPurge } from '../../../src/publish/purge-plan.ts'

const DEFAULTS: PublishPurgeConfig = { channels: true, keys: {}, soft: false }
const item = (channel: string, extra: Partial<PublishItem> = {}): PublishItem => ({
  channel,
  noSeq: false,
  formats: {},
  ...extra,
})

describe('planPurge (publish-and-purge contract 2)', () => {
  it.each<[string, PublishItem[], PublishPurgeConfig, { hard: string[]; soft: string[] }]>([
    ['the channel is a key by default', [item('news')], DEFAULTS, { hard: ['news'], soft: [] }],
    [
      'keys listed on the item',
      [item('news', { purge: ['home', 'feed'] })],
      DEFAULTS,
      { hard: ['news', 'home', 'feed'], soft: [] },
    ],
    [
      'channels off',
      [item('news', { purge: ['home'] })],
      { ...DEFAULTS, channels: false },
      { hard: ['home'], soft: [] },
    ],
    [
      'mapped keys, exact and prefix',
      [item('item-7')],
      { ...DEFAULTS, keys: { 'item-*': ['items'], 'item-7': ['seven'] } },
      { hard: ['item-7', 'items', 'seven'], soft: [] },
    ],
    [
      'soft per item',
      [item('news', { purgeMode: 'soft' })],
      DEFAULTS,
      { hard: [], soft: ['news'] },
    ],
    [
      'soft by config, hard per item',
      [item('a'), item('b', { purgeMode: 'hard' })],
      { ...DEFAULTS, soft: true },
      { hard: ['b'], soft: ['a'] },
    ],
    [
      'hard wins when a key is asked both ways',
      [item('x', { purgeMode: 'soft' }), item('x')],
      DEFAULTS,
      { hard: ['x'], soft: [] },
    ],
    [
      'duplicates collapse',
      [item('a'), item('a', { purge: ['a'] })],
      DEFAULTS,
      { hard: ['a'], soft: [] },
    ],
  ])('%s', (_name, items, config, expected) => {
    expect(planPurge(items, config)).toEqual(expected)
  })

  it('maps nothing for an unrelated channel', () => {
    expect(mappedKeys('other', { 'item-*': ['items'] })).toEqual([])
  })
})
