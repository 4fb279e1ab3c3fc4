import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/parse.ts'
import { base, problemsOf } from './helpers.ts'

const withCluster = (cluster: unknown) => ({ ...base, cluster })

describe('cluster config', () => {
  it('is absent unless written, and fills in its timings', () => {
    const plain = parseConfig(base, {})
    expect(plain.ok && plain.value.cluster).toBeUndefined()
    const result = parseConfig(withCluster({ redis: { url: { env: 'REDIS_URL' } } }), {
      REDIS_URL: 'rediss://:pw@redis.internal:6380/2',
    })
    expect(result.ok && result.value.cluster).toStrictEqual({
      redis: { url: 'rediss://:pw@redis.internal:6380/2' },
      name: 'gripgate',
      heartbeatMs: 1000,
      leaseMs: 3000,
      ackTimeoutMs: 1000,
    })
  })

  it.each([
    [{ redis: { url: 'http://redis:6379' } }, '$.cluster.redis.url', 'redis:// or rediss://'],
    [{ redis: { url: 'redis://' } }, '$.cluster.redis.url', 'redis:// or rediss://'],
    [{ heartbeatMs: 500, leaseMs: 600 }, '$.cluster.leaseMs', 'at least twice'],
    [{ name: 'has space' }, '$.cluster.name', 'letters, digits'],
    [{ redis: { url: 'redis://x' }, extra: 1 }, '$.cluster.extra', 'unknown field'],
  ])('refuses %j', (cluster, path, words) => {
    const problems = problemsOf(withCluster(cluster), {})
    expect(problems.some(([at, message]) => at === path && message.includes(words))).toBe(true)
  })

  it('never echoes a bad Redis URL (it may hold a password)', () => {
    const problems = problemsOf(withCluster({ redis: { url: 'http://:hunter2@x' } }), {})
    expect(JSON.stringify(problems)).not.toContain('hunter2')
  })
})
