import { describe, expect, it } from 'vitest'
import { historyPolicy } from '../../../src/history/policy.ts'

describe('historyPolicy', () => {
  const policy = historyPolicy({
    size: 100,
    ttlSeconds: 300,
    maxChannels: 10,
    channels: {
      'chat-*': { size: 1000 },
      'chat-vip-*': { ttlSeconds: 60 },
      'chat-lobby': { size: 5 },
      'ticker-*': { size: 0 },
    },
  })
  it.each([
    ['news', { size: 100, ttlMs: 300_000 }],
    ['chat-7', { size: 1000, ttlMs: 300_000 }],
    ['chat-vip-1', { size: 100, ttlMs: 60_000 }],
    ['chat-lobby', { size: 5, ttlMs: 300_000 }],
    ['ticker-eur', undefined],
  ])('%s', (channel, expected) => {
    expect(policy(channel)).toEqual(expected)
    expect(policy(channel)).toEqual(expected)
  })
})
