/**
 * Issue #12 on Fastly (items 1, 8, 9, 10, 11, 12): what the pull path sends to an origin and
 * what a client learns about it, on the fastly:* shims with a recording fetch.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { buildApp, CONFIG, seedStores } from './helpers.ts'
import { resetShims } from './shims/reset.ts'

beforeEach(() => {
  resetShims()
  seedStores()
})

const FORGED = {
  forwarded: 'for=6.6.6.6;host=evil.example',
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-host': 'evil.example',
  'x-real-ip': '6.6.6.6',
}

describe('the Fastly pull path towards the origin', () => {
  it('never announces a GET body it does not send (item 1)', async () => {
    const { app, originFetch } = buildApp()
    await app.fetch(
      new Request('https://edge.example/items/1', {
        headers: { 'content-length': '39', 'transfer-encoding': 'chunked' },
      })
    )
    const sent = originFetch.sent[0]
    expect(sent?.headers.has('content-length')).toBe(false)
    expect(sent?.headers.has('transfer-encoding')).toBe(false)
    expect(sent?.init.body).toBeUndefined()
  })

  it('sets X-Forwarded-For to event.client.address, dropping the client’s fields (item 9)', async () => {
    const { app, originFetch } = buildApp({ clientAddress: '203.0.113.9' })
    await app.fetch(new Request('https://edge.example/items/1', { headers: FORGED }))
    const headers = originFetch.sent[0]!.headers
    expect(headers.get('x-forwarded-for')).toBe('203.0.113.9')
    expect(headers.get('x-forwarded-host')).toBe('edge.example')
    expect(headers.has('forwarded')).toBe(false)
    expect(headers.has('x-real-ip')).toBe(false)
  })

  it('extends the chain of a trusted proxy (item 9)', async () => {
    const { app, originFetch } = buildApp({
      clientAddress: '203.0.113.9',
      config: { ...CONFIG, trustedProxies: ['203.0.113.0/24'] },
    })
    await app.fetch(new Request('https://edge.example/items/1', { headers: FORGED }))
    expect(originFetch.sent[0]?.headers.get('x-forwarded-for')).toBe('6.6.6.6, 203.0.113.9')
  })

  it('aborts a body the origin stops sending (item 8)', async () => {
    const config = {
      ...CONFIG,
      origins: { ...CONFIG.origins, origin: { ...CONFIG.origins.origin, idleTimeoutMs: 20 } },
    }
    const { app } = buildApp({
      config,
      origin: () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'))
            },
          })
        ),
    })
    const response = await app.fetch(new Request('https://edge.example/items/1'))
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
  })

  it('names an unreachable origin, never its URL; the URL goes to the log (item 11)', async () => {
    const warnings: { message: string; fields: Record<string, unknown> }[] = []
    const { app } = buildApp({
      origin: () => {
        throw new TypeError('connection refused by 10.1.2.3:443')
      },
      warn: (message, fields) => warnings.push({ message, fields }),
    })
    const response = await app.fetch(new Request('https://edge.example/items/1'))
    expect(response.status).toBe(502)
    const text = await response.text()
    expect(text).not.toContain('origin.example')
    expect(text).not.toContain('10.1.2.3')
    expect(JSON.parse(text)).toMatchObject({ detail: 'origin "origin" could not be reached' })
    expect(warnings[0]?.message).toBe('gateway error answered')
    expect(String(warnings[0]?.fields.cause)).toContain('10.1.2.3')
  })

  it('answers 404 under /_gripgate/, encoded or not, reaching no origin (item 12)', async () => {
    const { app, originFetch } = buildApp({ config: { ...CONFIG, publish: undefined } })
    for (const path of ['/_gripgate/purge', '/_gripgate/x', '/_gripgate', '/%5Fgripgate/purge']) {
      const response = await app.fetch(new Request(`https://edge.example${path}`))
      expect(response.status, path).toBe(404)
    }
    expect(originFetch.sent).toEqual([])
  })

  it('refuses a Host that is a list of two (item 10)', async () => {
    const { app, originFetch } = buildApp()
    const response = await app.fetch(
      new Request('https://edge.example/items/1', { headers: { host: 'edge.example, evil' } })
    )
    expect(response.status).toBe(400)
    expect(originFetch.sent).toEqual([])
  })
})
