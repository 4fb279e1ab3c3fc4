/**
 * The Redis Streams channel history (edge/node/cluster/redis-history-store.ts) passes the
 * HistoryStore contract against a private redis-server, and keeps its Redis-side promises:
 * history and log written together in log order, streams bounded and expiring, identical
 * lookups sharing one call.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareIds } from '../../../edge/node/cluster/bus.ts'
import { decodeRecord } from '../../../edge/node/cluster/record-codec.ts'
import { commandOptions, logKey } from '../../../edge/node/cluster/redis-bus.ts'
import {
  HISTORY_EXPIRY_SLACK_MS,
  RedisHistoryStore,
} from '../../../edge/node/cluster/redis-history-store.ts'
import type { HistoryPolicy } from '../../../src/history/store.ts'
import { historyItem, runHistoryStoreContract } from '../../contract/history-store.contract.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import { type RunningRedis, redisMissing, startRedis } from '../../helpers/redis.ts'

const skip = redisMissing()
let redis: RunningRedis
let client: Redis
let clusters = 0

/** A store of its own cluster name, so every test starts with empty histories. */
function makeStore(policy: HistoryPolicy, clock = new FakeClock()): RedisHistoryStore {
  const name = `history${++clusters}`
  return new RedisHistoryStore({ redis: client, name, policy, clock, logger: new CaptureLogger() })
}

describe.skipIf(skip !== undefined)(`RedisHistoryStore${skip ? ` (${skip})` : ''}`, () => {
  beforeAll(async () => {
    redis = await startRedis()
    client = new Redis(redis.url, { ...commandOptions(), lazyConnect: true })
    await client.connect()
  })

  afterAll(async () => {
    client?.disconnect()
    await redis?.stop()
  })

  runHistoryStoreContract('RedisHistoryStore (Redis Streams)', (policy, clock) =>
    makeStore(policy, clock)
  )

  const policy: HistoryPolicy = () => ({ size: 3, ttlMs: 5_000 })

  it('writes history and log in one transaction, in log order', async () => {
    const store = makeStore(policy)
    const first = await store.publish([historyItem('c', '1'), historyItem('d', '1')])
    const second = await store.publish([historyItem('c', '2', '1')])
    expect(compareIds(first, second)).toBeLessThan(0)
    const log = await client.xrange(logKey(`history${clusters}`), '-', '+')
    expect(log.map(([id]) => id)).toEqual([first, second])
    const record = decodeRecord(log[1]?.[1][1] ?? '')
    expect(record).toEqual({ kind: 'publish', items: [historyItem('c', '2', '1')] })
    expect(await store.itemsAfter('c', '1')).toEqual([historyItem('c', '2', '1')])
    expect(await store.lastId('d')).toBe('1')
    expect(store.snapshot()).toMatchObject({ appended: 3, hits: 1 })
  })

  it('bounds each stream (MAXLEN ~) and lets it expire after its TTL plus the slack', async () => {
    const store = makeStore(policy)
    for (let i = 1; i <= 500; i++) await store.append(historyItem('c', String(i)))
    // `~` trims whole stream nodes (100 entries by default): a few more than size stay.
    expect(await client.xlen(store.key('c'))).toBeLessThanOrEqual(3 + 100)
    expect(await store.itemsAfter('c', '497')).toBe('unknown')
    const ttl = await client.pttl(store.key('c'))
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(5_000 + HISTORY_EXPIRY_SLACK_MS)
  })

  it('shares one call among identical lookups in flight', async () => {
    const store = makeStore(policy)
    await store.append(historyItem('c', '1'))
    await store.append(historyItem('c', '2'))
    const [a, b] = await Promise.all([store.itemsAfter('c', '1'), store.itemsAfter('c', '1')])
    expect(a).toBe(b)
    expect(store.snapshot()).toMatchObject({ hits: 1 })
  })

  it('loads its lookup script again when Redis lost it', async () => {
    const store = makeStore(policy)
    await store.append(historyItem('c', '1'))
    await store.append(historyItem('c', '2'))
    await client.script('FLUSH')
    expect(await store.itemsAfter('c', '1')).toEqual([historyItem('c', '2')])
  })
})
