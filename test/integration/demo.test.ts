/**
 * `gripgate demo` (what `npm start` runs) over HTTP, as the demo page uses it: the page's
 * files through the cache, the form that publishes and purges, the live feed and the chat.
 * The same in a real browser: demo-browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoOrigin } from '../../fixtures/demo/origin.ts'
import type { ServeProcess } from '../helpers/cli.ts'
import { DEMO_TEST_KEYS, startDemo } from '../helpers/demo.ts'
import { httpRequest } from '../helpers/http-get.ts'
import { StreamReader } from '../helpers/stream-clients.ts'
import { connectWs } from '../helpers/ws-client.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }

describe('gripgate demo: the page and what it calls', () => {
  let demo: ServeProcess

  beforeAll(async () => {
    demo = await startDemo()
  }, 90_000)
  afterAll(async () => {
    await demo?.stop()
  })

  const change = (body: string, headers: Record<string, string> = FORM) =>
    httpRequest(`${demo.url}/change`, { method: 'POST', headers, body })

  it('serves the page, its style and script through the edge cache', async () => {
    for (const path of ['/', '/demo.css', '/demo.js']) {
      const first = await httpRequest(`${demo.url}${path}`)
      expect([first.status, first.headers['x-cache']]).toEqual([200, 'MISS'])
      // Browsers revalidate every time; the edge keeps it (CDN-Cache-Control, not sent on).
      expect(first.headers['cache-control']).toBe('no-cache')
      expect(first.headers['cdn-cache-control']).toBeUndefined()
      const again = await httpRequest(`${demo.url}${path}`, {
        headers: { 'if-none-match': String(first.headers.etag) },
      })
      expect([again.status, again.headers['x-cache']]).toEqual([304, 'HIT'])
    }
    const page = await httpRequest(`${demo.url}/`)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/)
    expect(page.body).toMatch(/<script src="\/demo.js" defer><\/script>/)
  })

  it('never puts a key in what the browser gets', async () => {
    for (const path of ['/', '/demo.css', '/demo.js', '/items', '/items/1']) {
      const { body } = await httpRequest(`${demo.url}${path}`)
      for (const key of Object.values(DEMO_TEST_KEYS)) expect(body).not.toContain(key)
    }
  })

  it('the form changes an item: one publish purges it and pushes it to the live feed', async () => {
    await httpRequest(`${demo.url}/items/2`)
    await httpRequest(`${demo.url}/items`)
    expect((await httpRequest(`${demo.url}/items/2`)).headers['x-cache']).toBe('HIT')
    expect((await httpRequest(`${demo.url}/items/3`)).headers['x-cache']).toBe('MISS')
    const live = await StreamReader.open(`${demo.url}/live`)
    try {
      await live.waitForText((text) => text.includes('event: ready'), 'the ready event')
      const answer = await change('id=2&name=Macchiato&price=3.20')
      expect(answer.status).toBe(200)
      const item = { id: '2', name: 'Macchiato', price: 3.2, version: 2 }
      expect(JSON.parse(answer.body)).toEqual({ item, published: 'item-2' })
      const pushed = `event: item\ndata: ${JSON.stringify(item)}\n\n`
      await live.waitForText((text) => text.includes(pushed), 'the pushed item')
    } finally {
      live.close()
    }
    // Purged before the push: the next pull goes to the origin; item 3 was not touched.
    const after = await httpRequest(`${demo.url}/items/2`)
    expect([after.headers['x-cache'], JSON.parse(after.body).name]).toEqual(['MISS', 'Macchiato'])
    const list = await httpRequest(`${demo.url}/items`)
    expect(list.headers['x-cache']).toBe('MISS')
    expect((await httpRequest(`${demo.url}/items/3`)).headers['x-cache']).toBe('HIT')
  })

  it('a form submitted without the script is answered with a redirect to the page', async () => {
    const answer = await change('id=3&name=Flat%20white&price=3.60', {
      'content-type': 'application/x-www-form-urlencoded',
      origin: demo.url,
    })
    expect([answer.status, answer.headers.location]).toEqual([303, '/'])
  })

  it('refuses a bad form with 4xx and changes nothing', async () => {
    const before = (await httpRequest(`${demo.url}/items/1`)).body
    const cases: [string, Record<string, string>, number][] = [
      ['id=1&name=X&price=-3', FORM, 400],
      ['id=1&name=&price=3', FORM, 400],
      ['id=99&name=X&price=3', FORM, 404],
      ['{"id":"1","name":"X","price":3}', { ...FORM, 'content-type': 'application/json' }, 415],
      [`id=1&name=X&price=3&pad=${'x'.repeat(3000)}`, FORM, 413],
      ['id=1&name=X&price=3', { ...FORM, origin: 'http://elsewhere.example' }, 403],
    ]
    for (const [body, headers, status] of cases) {
      const answer = await change(body, headers)
      expect([body.slice(0, 40), answer.status]).toEqual([body.slice(0, 40), status])
      expect(JSON.parse(answer.body).error).toEqual(expect.any(String))
    }
    expect((await httpRequest(`${demo.url}/items/1`)).body).toBe(before)
  })

  it('chat: a line from one socket reaches every socket; plain text is echoed to its sender', async () => {
    const wsUrl = `${demo.url.replace('http', 'ws')}/chat`
    const [ada, bob] = await Promise.all([connectWs(wsUrl), connectWs(wsUrl)])
    try {
      expect((await ada.next()).data).toBe('welcome')
      expect((await bob.next()).data).toBe('welcome')
      ada.ws.send(JSON.stringify({ name: 'Ada', text: 'hello, room' }))
      for (const client of [ada, bob]) {
        const line = JSON.parse(String((await client.next()).data))
        expect(line).toMatchObject({ type: 'chat', name: 'Ada', text: 'hello, room' })
      }
      bob.ws.send('just me')
      expect((await bob.next()).data).toBe('echo:just me')
      bob.ws.send('{"name":"Bob"}')
      expect(JSON.parse(String((await bob.next()).data))).toEqual({
        type: 'error',
        error: 'text is missing',
      })
      // Neither reached Ada: her next message is her own next line, which reaches Bob too.
      ada.ws.send(JSON.stringify({ name: 'Ada', text: 'still here' }))
      for (const client of [ada, bob]) {
        expect(JSON.parse(String((await client.next()).data)).text).toBe('still here')
      }
    } finally {
      ada.ws.close()
      bob.ws.close()
    }
  })
})

describe('demo origin without a gateway to publish to', () => {
  it('refuses the form with 503 and keeps the item', async () => {
    const origin = createDemoOrigin()
    const answer = await origin.request('/change', {
      method: 'POST',
      headers: FORM,
      body: 'id=1&name=Lungo&price=3',
    })
    expect(answer.status).toBe(503)
    expect((await (await origin.request('/items/1')).json()).name).toBe('Espresso')
  })
})
