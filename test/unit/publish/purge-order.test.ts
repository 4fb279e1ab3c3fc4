/**
 * Publish-and-purge contract 3 and 5: purge done → deliver → answer. A purge that takes its
 * time must hold the delivery back, or a subscriber could pull stale content when pushed to.
 */
import { describe, expect, it } from 'vitest'
import type { PullCache } from '../../../src/cache/pull-cache.ts'
import { storePullPath } from '../../../src/cache/pull-path.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import { handlePublish } from '../../../src/publish/route.ts'

describe('publish order', () => {
  it('delivers only after the purge finished, and answers after delivering', async () => {
    const events: string[] = []
    let finishPurge!: () => void
    const cache = {
      purge: (keys: readonly string[], soft: boolean) => {
        if (keys.length === 0) return Promise.resolve(0)
        events.push(`purge ${soft ? 'soft' : 'hard'} ${keys.join(',')}`)
        return new Promise<number>((resolve) => {
          finishPurge = () => {
            events.push('purge done')
            resolve(keys.length)
          }
        })
      },
    } as unknown as PullCache
    const hub = {
      publish: async (items: PublishItem[]) => {
        events.push(`deliver ${items.map((i) => i.channel).join(',')}`)
        return { items: items.length, released: items.length, held: 0, duplicates: 0 }
      },
    }
    const request = new Request('http://gw.test/publish/', {
      method: 'POST',
      body: JSON.stringify({
        items: [{ channel: 'news', formats: { 'http-stream': { content: 'x' } } }],
      }),
    })
    const answered = handlePublish(request, hub, storePullPath(cache).purger, {
      channels: true,
      keys: {},
      soft: false,
    }).then((res) => {
      events.push(`answer ${res.status}`)
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(events).toEqual(['purge hard news'])
    finishPurge()
    await answered
    expect(events).toEqual(['purge hard news', 'purge done', 'deliver news', 'answer 200'])
  })
})
