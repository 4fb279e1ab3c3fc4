/**
 * Issue #5 acceptance: one publish both pushes and purges, with no window for stale reads.
 * The gateway runs in-process on a real port; the origin is a node:http server.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Publisher } from '@fanoutio/grip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleLogger } from '../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'

const KEY = 'publish-secret'

/** The origin's state: a versioned value per resource and how often each path was asked. */
const state = { value: new Map<string, number>(), hits: new Map<string, number>(), slowNext: 0 }
const hits = (path: string) => state.hits.get(path) ?? 0

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!
  state.hits.set(path, hits(path) + 1)
  if (path === '/live') {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'public, max-age=60',
      'grip-hold': 'stream',
      'grip-channel': 'live',
    })
    res.end('event: open\ndata: start\n\n')
    return
  }
  const name = path.slice(1)
  const version = state.value.get(name) ?? 0
  const headers = {
    'content-type': 'text/plain',
    'cache-control': 'public, max-age=300',
    'surrogate-key': `${name} everything`,
    'cache-tag': `tag-${name}`,
  }
  const delay = state.slowNext
  state.slowNext = 0
  // The value is read when the request arrives: a slow answer carries what was current then.
  setTimeout(() => {
    res.writeHead(200, headers)
    res.end(String(version))
  }, delay)
}

let origin: http.Server
let gateway: RunningGateway
let publisher: Publisher

async function get(path: string): Promise<{ body: string; xCache: string | null }> {
  const res = await fetch(`${gateway.url}${path}`)
  return { body: await res.text(), xCache: res.headers.get('x-cache') }
}

beforeAll(async () => {
  origin = http.createServer(handle)
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
  const { port } = origin.address() as AddressInfo
  const config = parseConfig(
    {
      origins: { app: { url: `http://127.0.0.1:${port}` } },
      routes: [{ path: '/*', origin: 'app' }],
      grip: { key: 'grip-secret' },
      publish: { keys: [KEY] },
    },
    {}
  )
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  gateway = await startGateway({
    config: config.value,
    port: 0,
    host: '127.0.0.1',
    logger: consoleLogger('error'),
  })
  publisher = new Publisher({ control_uri: gateway.url, key: KEY })
})

afterAll(async () => {
  await gateway?.close(1000)
  await new Promise<void>((resolve) => {
    origin?.close(() => resolve())
    origin?.closeAllConnections()
  })
})

describe('publish-and-purge', () => {
  it('purges by Surrogate-Key and by Cache-Tag when @fanoutio/grip publishes on the channel', async () => {
    state.value.set('item-p', 1)
    expect((await get('/item-p')).body).toBe('1')
    expect((await get('/item-p')).xCache).toBe('HIT')
    state.value.set('item-p', 2)
    await publisher.publishHttpStream('item-p', 'data: changed\n\n')
    const after = await get('/item-p')
    expect([after.body, after.xCache]).toEqual(['2', 'MISS'])

    state.value.set('other', 1)
    await get('/other')
    state.value.set('other', 2)
    // The Cache-Tag "tag-other" names it; the channel is "tag-other".
    await publisher.publishHttpStream('tag-other', 'data: changed\n\n')
    expect((await get('/other')).body).toBe('2')
  })

  it('does not store a response whose fetch was in flight when a publish purged its key', async () => {
    state.value.set('race', 1)
    state.slowNext = 400
    const inFlight = get('/race')
    await new Promise((resolve) => setTimeout(resolve, 100))
    state.value.set('race', 2)
    await publisher.publishHttpStream('race', 'data: v2\n\n')
    // The slow answer still serves the request that asked for it...
    expect((await inFlight).body).toBe('1')
    // ...but was not kept: the next read goes to the origin and sees the new value.
    const next = await get('/race')
    expect([next.body, next.xCache]).toEqual(['2', 'MISS'])
  })

  it('holds two SSE clients of a cacheable GRIP endpoint with one origin request', async () => {
    const before = hits('/live')
    const first = await openStream('/live')
    const second = await openStream('/live')
    expect(hits('/live') - before).toBe(1)
    expect(second.headers.get('x-cache')).toBe('HIT')
    await publisher.publishHttpStream('live', 'data: both\n\n')
    expect(await first.until('data: both')).toContain('data: start')
    expect(await second.until('data: both')).toContain('data: start')
    first.close()
    second.close()
  })

  it('sees zero stale reads over 200 publish-then-pull rounds', async () => {
    state.value.set('counter', 0)
    await get('/counter')
    const subscriber = await openStream('/live')
    let stale = 0
    for (let round = 1; round <= 200; round++) {
      state.value.set('counter', round)
      const pushed = subscriber.until(`data: round ${round}\n`)
      await fetch(`${gateway.url}/publish/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify({
          items: [
            {
              channel: 'live',
              formats: { 'http-stream': { content: `data: round ${round}\n\n` } },
              purge: ['counter'],
            },
          ],
        }),
      })
      await pushed
      // The subscriber pulls the moment it is pushed to.
      const seen = Number((await get('/counter')).body)
      if (seen < round) stale += 1
    }
    subscriber.close()
    expect(stale).toBe(0)
  })
})

/** An SSE response read incrementally. */
async function openStream(path: string) {
  const controller = new AbortController()
  const res = await fetch(`${gateway.url}${path}`, { signal: controller.signal })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let waiting: { marker: string; resolve: (text: string) => void } | undefined
  ;(async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        text += decoder.decode(value, { stream: true })
        if (waiting && text.includes(waiting.marker)) waiting.resolve(text)
      }
    } catch {
      // aborted by close()
    }
  })()
  return {
    headers: res.headers,
    until(marker: string): Promise<string> {
      if (text.includes(marker)) return Promise.resolve(text)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${marker}" in:\n${text}`)), 5_000)
        waiting = {
          marker,
          resolve: (value) => {
            clearTimeout(timer)
            resolve(value)
          },
        }
      })
    },
    close: () => controller.abort(),
  }
}
