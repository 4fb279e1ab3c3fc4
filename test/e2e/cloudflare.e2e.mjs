/**
 * End-to-end, black box: `npm run dev:cloudflare` (wrangler dev, workerd) in front of real
 * origins on 127.0.0.1, driven over HTTP as a user would. Not part of `npm test` (it starts
 * wrangler, ~5 s); run it with `npm run test:e2e:cloudflare`. Ends with `N passed, N failed`.
 *
 * Cases are plain async functions in `CASES`; each gets the running context (`gw`, keys,
 * origins) and throws on a mismatch. The realtime cases (fanout tier) are added beside the
 * pull-path ones.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import WebSocket from 'ws'
import { startDemoOrigin } from '../../fixtures/demo/origin.ts'
import { startGripOrigin } from '../../fixtures/grip-origin/origin.ts'
import { startWsOrigin } from '../../fixtures/ws-origin/origin.ts'
import { httpRequest } from '../helpers/http-get.ts'

const PUBLISH_KEY = 'e2e-publish-key'
const GRIP_KEY = 'e2e-grip-key'
const READY_TIMEOUT_MS = 60_000

/** Fails a case with what was expected and what came. */
function expectEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

/**
 * A small origin for what the demo has not (under /edge/): a slow answer, a gzip body, and
 * `/edge/race/<name>?tag=<key>&by=<header>`: a cacheable answer naming the resource's current
 * version (`bump(name)` moves it on, as a publisher updating its data would), tagged with `key`
 * in `Surrogate-Key` or `Cache-Tag`.
 */
async function startEdgeCaseOrigin() {
  const versions = new Map()
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://origin')
    if (url.pathname.startsWith('/edge/race/')) {
      const name = url.pathname.slice('/edge/race/'.length)
      const header = url.searchParams.get('by') === 'cache-tag' ? 'cache-tag' : 'surrogate-key'
      res.writeHead(200, {
        'content-type': 'text/plain',
        'cache-control': 'public, max-age=300',
        [header]: url.searchParams.get('tag') ?? 'race',
      })
      res.end(`${name} v${versions.get(name) ?? 1}`)
    } else if (req.url === '/edge/slow') setTimeout(() => res.end('late'), 3000)
    else if (req.url === '/edge/gzip') {
      const body = gzipSync('compressed at the origin')
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-encoding': 'gzip',
        'content-length': body.length,
        'cache-control': 'public, max-age=60',
      })
      res.end(body)
    } else res.writeHead(404).end()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    bump: (name) => versions.set(name, (versions.get(name) ?? 1) + 1),
    close: () => new Promise((resolve) => server.close(resolve) && server.closeAllConnections()),
  }
}

/** A port nothing listens on (bound, read, released). */
async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The same config a Node user writes; secrets as `{ "env": NAME }`. */
function gatewayConfig(origins) {
  return {
    origins: {
      demo: { url: origins.demo, timeoutMs: 10_000 },
      edge: { url: origins.edge, timeoutMs: 500 },
      dead: { url: origins.dead, timeoutMs: 2000 },
      serveGrip: { url: origins.serveGrip, timeoutMs: 10_000 },
      serveGripWs: { url: origins.serveGripWs, timeoutMs: 10_000 },
    },
    routes: [
      { path: '/stream/*', origin: 'serveGrip' },
      { path: '/poll/*', origin: 'serveGrip' },
      { path: '/ws/*', origin: 'serveGripWs' },
      { path: '/edge/*', origin: 'edge' },
      { path: '/dead/*', origin: 'dead' },
      { path: '/*', origin: 'demo' },
    ],
    grip: { key: { env: 'E2E_GRIP_KEY' } },
    publish: { keys: [{ env: 'E2E_PUBLISH_KEY' }] },
  }
}

/**
 * Starts what `npm run dev:cloudflare` runs (tsx scripts/dev-cloudflare.ts) and waits until it
 * answers. Not through npm itself: npm does not pass SIGTERM on to its child, while the script
 * passes it to wrangler, which stops its workerd processes; so stopping the one PID started
 * here stops the whole tree.
 */
async function startWorker(configFile, port, stateDir) {
  const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url))
  const script = fileURLToPath(new URL('../../scripts/dev-cloudflare.ts', import.meta.url))
  const child = spawn(
    process.execPath,
    [tsx, script, '--port', String(port), '--persist-to', stateDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GRIPGATE_CONFIG: configFile,
        E2E_PUBLISH_KEY: PUBLISH_KEY,
        E2E_GRIP_KEY: GRIP_KEY,
      },
    }
  )
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const deadline = Date.now() + READY_TIMEOUT_MS
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dev:cloudflare exited early:\n${output}`)
    if (Date.now() > deadline) throw new Error(`dev:cloudflare not ready in time:\n${output}`)
    if (output.includes('Ready on')) {
      try {
        await fetch(`${url}/_gripgate/stats`)
        break
      } catch {
        // Not accepting yet.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    url,
    output: () => output,
    /** SIGTERM to the script (it stops wrangler, which stops workerd), SIGKILL after 10 s. */
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

const auth = { authorization: `Bearer ${PUBLISH_KEY}`, 'content-type': 'application/json' }
const purge = (gw, body, headers = auth) =>
  httpRequest(`${gw}/_gripgate/purge`, { method: 'POST', headers, body: JSON.stringify(body) })
const publish = (gw, body, headers = auth) =>
  httpRequest(`${gw}/publish/`, { method: 'POST', headers, body: JSON.stringify(body) })
const cacheOf = (response) => response.headers['x-cache']

/** The pull-path cases, in order (later ones rely on what earlier ones cached). */
const PULL_CASES = {
  'cached pull: MISS, then HIT with the same body; surrogate keys hidden': async ({ gw }) => {
    const first = await httpRequest(`${gw}/items/1`)
    expectEqual([first.status, cacheOf(first)], [200, 'MISS'], 'first GET /items/1')
    expectEqual(first.headers['surrogate-key'], undefined, 'Surrogate-Key to the client')
    const second = await httpRequest(`${gw}/items/1`)
    expectEqual([second.status, cacheOf(second), second.body], [200, 'HIT', first.body], 'second')
    if (!/^gripgate; hit; ttl=\d+$/.test(second.headers['cache-status'])) {
      throw new Error(`Cache-Status: ${second.headers['cache-status']}`)
    }
  },
  'conditional request answered 304 by the edge': async ({ gw }) => {
    const response = await httpRequest(`${gw}/items/1`, {
      headers: { 'if-none-match': '"item-1-v1"' },
    })
    expectEqual([response.status, cacheOf(response)], [304, 'HIT'], 'If-None-Match')
  },
  'private and no-store answers are not shared': async ({ gw }) => {
    await httpRequest(`${gw}/time`)
    const time = await httpRequest(`${gw}/time`)
    await httpRequest(`${gw}/me`)
    const me = await httpRequest(`${gw}/me`)
    if (cacheOf(time) === 'HIT' || cacheOf(me) === 'HIT') throw new Error('served from cache')
  },
  'purge by surrogate key: only the tagged object goes': async ({ gw }) => {
    await httpRequest(`${gw}/items/2`)
    const answer = await purge(gw, { keys: ['item-1'] })
    expectEqual(
      [answer.status, JSON.parse(answer.body)],
      [200, { purged: 1, keys: ['item-1'], soft: false }],
      'purge'
    )
    expectEqual(cacheOf(await httpRequest(`${gw}/items/1`)), 'MISS', '/items/1 after purge')
    expectEqual(cacheOf(await httpRequest(`${gw}/items/2`)), 'HIT', '/items/2 after purge')
  },
  'soft purge: the object is revalidated (304 from the origin)': async ({ gw }) => {
    const answer = await purge(gw, { keys: ['item-2'], soft: true })
    expectEqual(JSON.parse(answer.body), { purged: 1, keys: ['item-2'], soft: true }, 'soft purge')
    expectEqual(cacheOf(await httpRequest(`${gw}/items/2`)), 'REVALIDATED', 'after soft purge')
    expectEqual(cacheOf(await httpRequest(`${gw}/items/2`)), 'HIT', 'after revalidation')
  },
  'purge endpoint: publish key required, POST only': async ({ gw }) => {
    const none = await purge(gw, { keys: ['x'] }, { 'content-type': 'application/json' })
    expectEqual(
      [none.status, none.headers['www-authenticate']],
      [401, 'Bearer realm="gripgate"'],
      'no key'
    )
    const wrong = await purge(gw, { keys: ['x'] }, { ...auth, authorization: 'Bearer nope' })
    expectEqual(wrong.status, 401, 'wrong key')
    expectEqual((await httpRequest(`${gw}/_gripgate/purge`)).status, 405, 'GET')
  },
  'publish auth: refused without the key, accepted with it': async ({ gw }) => {
    const item = { items: [{ channel: 'news', formats: { 'http-stream': { content: 'x\n' } } }] }
    const none = await publish(gw, item, { 'content-type': 'application/json' })
    expectEqual(
      [none.status, none.headers['content-type']],
      [401, 'application/problem+json'],
      'no key'
    )
    expectEqual(
      (await publish(gw, item, { ...auth, authorization: 'Bearer nope' })).status,
      401,
      'wrong key'
    )
    expectEqual((await publish(gw, item)).status, 200, 'with the key')
  },
  'purge on publish: a publish to a channel purges that key first': async ({ gw }) => {
    expectEqual(cacheOf(await httpRequest(`${gw}/items/2`)), 'HIT', '/items/2 before')
    const item = { items: [{ channel: 'item-2', formats: { 'http-stream': { content: 'x\n' } } }] }
    expectEqual((await publish(gw, item)).status, 200, 'publish')
    expectEqual(cacheOf(await httpRequest(`${gw}/items/2`)), 'MISS', '/items/2 after publish')
  },
  'content-coded bodies pass byte for byte, fetched and cached': async ({ gw }) => {
    for (const outcome of ['MISS', 'HIT']) {
      const response = await fetch(`${gw}/edge/gzip`, { headers: { 'accept-encoding': 'gzip' } })
      expectEqual(
        [response.headers.get('x-cache'), response.headers.get('content-encoding')],
        [outcome, 'gzip'],
        'gzip headers'
      )
      expectEqual(await response.text(), 'compressed at the origin', 'decoded body')
    }
  },
  'origin failures: 504 after timeoutMs, 502 when unreachable': async ({ gw }) => {
    const slow = await httpRequest(`${gw}/edge/slow`)
    expectEqual([slow.status, JSON.parse(slow.body).code], [504, 'ORIGIN_TIMEOUT'], 'slow origin')
    const dead = await httpRequest(`${gw}/dead/x`)
    expectEqual(
      [dead.status, JSON.parse(dead.body).code],
      [502, 'ORIGIN_UNREACHABLE'],
      'dead origin'
    )
  },
}

/**
 * A publish, sent again (at most 3 times) when wrangler dev's own proxy answers 503 "Your worker
 * restarted mid-request": under load its fetch to the Worker can fail, and it retries only GET
 * and HEAD itself. Publishing twice purges twice, which changes nothing the race checks.
 */
async function publishRetryingDevRestarts(gw, item, onRetry) {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${gw}/publish/`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(item),
    })
    const body = await response.text()
    const devRestart = response.status === 503 && body.startsWith('Your worker restarted')
    if (!devRestart || attempt === 3) return { status: response.status, body }
    onRetry()
  }
}

/** Rounds of the publish-right-after-MISS race (issue #16); `E2E_RACE_ROUNDS` overrides. */
const RACE_ROUNDS = Number(process.env.E2E_RACE_ROUNDS ?? 1000)
/** Channels the rounds cycle through (each is a ChannelRoom object under wrangler dev). */
const RACE_CHANNELS = 16

/**
 * Issue #16 part 1: pull a tagged resource once (a MISS, being stored), publish on its channel
 * as soon as the MISS answered, pull again: the second pull must never return the content from
 * before the publish. Half the rounds tag with Surrogate-Key, half with Cache-Tag; every other
 * pair publishes as soon as the head arrived, before the body is read (the fill still in flight).
 */
const RACE_CASES = {
  [`publish right after a MISS, ${RACE_ROUNDS} rounds: the next pull is never stale`]: async ({
    gw,
    origins,
  }) => {
    const run = Date.now().toString(36)
    const started = performance.now()
    const stale = []
    let retried = 0
    const spent = { pull: 0, publish: 0, again: 0 }
    let mark = performance.now()
    const lap = (phase) => {
      const now = performance.now()
      spent[phase] += now - mark
      mark = now
    }
    for (let round = 0; round < RACE_ROUNDS; round += 1) {
      mark = performance.now()
      const name = `${run}-${round}`
      const channel = `race-${round % RACE_CHANNELS}`
      const by = round % 2 === 0 ? 'surrogate-key' : 'cache-tag'
      const early = round % 4 >= 2
      const url = `${gw}/edge/race/${name}?tag=${channel}&by=${by}`
      // fetch (keep-alive) resolves once the head arrived; the body is read when said.
      const first = await fetch(url)
      const outcome = [first.status, first.headers.get('x-cache')]
      expectEqual(outcome, [200, 'MISS'], `round ${round} first`)
      if (!early) await first.text()
      lap('pull')
      origins.bumpRace(name)
      const item = { items: [{ channel, formats: { 'http-stream': { content: 'x\n' } } }] }
      const published = await publishRetryingDevRestarts(gw, item, () => (retried += 1))
      expectEqual(published.status, 200, `round ${round} publish (${published.body})`)
      if (early) await first.text()
      lap('publish')
      const second = await (await fetch(url)).text()
      lap('again')
      if (second !== `${name} v2`) stale.push({ round, by, early, got: second })
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const ms = (phase) => (spent[phase] / RACE_ROUNDS).toFixed(0)
    console.log(
      `     ${RACE_ROUNDS} rounds in ${seconds} s, ${stale.length} stale; per round: MISS ${ms('pull')} ms, publish ${ms('publish')} ms, pull again ${ms('again')} ms; publishes resent after a wrangler dev restart: ${retried}`
    )
    expectEqual(stale.slice(0, 5), [], `stale pulls (${stale.length} of ${RACE_ROUNDS})`)
  },
}

/** Every case, in the order they run. */
/** An SSE (or any streamed) response read until `marker` shows up. */
async function readUntil(url, marker, start = async () => {}) {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), 10_000)
  const response = await fetch(url, { signal: controller.signal })
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  await start()
  try {
    while (!text.includes(marker)) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
  return text
}

const newsItem = (formats) => ({ items: [{ channel: 'news', formats }] })

/** The realtime cases: GRIP holds and WebSockets served by the Durable Object tier. */
const REALTIME_CASES = {
  'stream hold: an SSE client gets the initial event, then a publish': async ({ gw }) => {
    const text = await readUntil(`${gw}/news/stream`, 'data: hello-stream', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      const res = await publish(
        gw,
        newsItem({ 'http-stream': { content: 'data: hello-stream\n\n' } })
      )
      expectEqual(res.status, 200, 'publish status')
    })
    expectEqual(
      text.includes('waiting for news') && text.includes('data: hello-stream'),
      true,
      'stream body'
    )
  },
  'long-poll: a published http-response answers the held request': async ({ gw }) => {
    const held = fetch(`${gw}/news/poll`)
    await new Promise((resolve) => setTimeout(resolve, 500))
    await publish(gw, newsItem({ 'http-response': { code: 201, body: '{"news":"fresh"}' } }))
    const response = await held
    expectEqual([response.status, await response.text()], [201, '{"news":"fresh"}'], 'poll answer')
  },
  'WebSocket: echo through WebSocket-over-HTTP, then a published ws-message': async ({ gw }) => {
    const socket = new WebSocket(`${gw.replace('http', 'ws')}/chat`)
    const messages = []
    const next = (count) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`got only ${JSON.stringify(messages)}`)),
          10_000
        )
        const check = () => {
          if (messages.length >= count) {
            clearTimeout(timer)
            resolve()
          } else setTimeout(check, 20)
        }
        check()
      })
    socket.addEventListener('message', (event) => messages.push(String(event.data)))
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve)
      socket.addEventListener('error', () => reject(new Error('socket failed to open')))
    })
    await next(1)
    socket.send('hi')
    await next(2)
    await publish(gw, {
      items: [{ channel: 'chat', formats: { 'ws-message': { content: 'published' } } }],
    })
    await next(3)
    socket.close(1000)
    expectEqual(messages, ['welcome', 'echo:hi', 'published'], 'socket messages')
  },
}

/** A WebSocket that records text messages; `next(n)` waits until n have arrived. */
async function openSocket(url) {
  const socket = new WebSocket(url)
  const messages = []
  socket.on('message', (data, binary) => messages.push(binary ? data : String(data)))
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  const next = (count) =>
    new Promise((resolve, reject) => {
      const started = Date.now()
      const check = () => {
        if (messages.length >= count) resolve(messages)
        else if (Date.now() - started > 10_000)
          reject(new Error(`got only ${JSON.stringify(messages)}`))
        else setTimeout(check, 20)
      }
      check()
    })
  return { socket, messages, next }
}

/** The same realtime cases against origins written with @fanoutio/serve-grip. */
const SERVE_GRIP_CASES = {
  'serve-grip stream hold: a signed request is held and gets a publish': async ({ gw }) => {
    const text = await readUntil(`${gw}/stream/e2e-sg`, 'data: from-publish', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      await publish(gw, {
        items: [
          { channel: 'e2e-sg', formats: { 'http-stream': { content: 'data: from-publish\n\n' } } },
        ],
      })
    })
    expectEqual(text.includes('event: ready'), true, 'initial event from the origin')
  },
  'serve-grip long-poll: answered by a publish with its status and headers': async ({ gw }) => {
    const held = fetch(`${gw}/poll/e2e-lp`)
    await new Promise((resolve) => setTimeout(resolve, 500))
    await publish(gw, {
      items: [
        {
          channel: 'e2e-lp',
          formats: { 'http-response': { code: 202, headers: { 'X-Pub': '1' }, body: 'answered' } },
        },
      ],
    })
    const response = await held
    expectEqual(
      [response.status, response.headers.get('x-pub'), await response.text()],
      [202, '1', 'answered'],
      'poll'
    )
  },
  'serve-grip WebSocket: welcome, echo, and a published ws-message': async ({ gw }) => {
    const { socket, next } = await openSocket(`${gw.replace('http', 'ws')}/ws/e2e-ws`)
    await next(1)
    socket.send('ping-me')
    await next(2)
    await publish(gw, {
      items: [{ channel: 'e2e-ws', formats: { 'ws-message': { content: 'to-socket' } } }],
    })
    const messages = await next(3)
    socket.close(1000)
    expectEqual(messages.slice(1), ['echo:ping-me', 'to-socket'], 'socket messages')
  },
}

const CASES = { ...PULL_CASES, ...RACE_CASES, ...REALTIME_CASES, ...SERVE_GRIP_CASES }

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gripgate-e2e-cf-'))
  const demo = await startDemoOrigin(0)
  const edge = await startEdgeCaseOrigin()
  // Origins written with @fanoutio/serve-grip, checking Grip-Sig with the gateway's key.
  const serveGrip = await startGripOrigin({ key: GRIP_KEY })
  const serveGripWs = await startWsOrigin({ key: GRIP_KEY })
  const origins = {
    demo: demo.url,
    edge: edge.url,
    dead: `http://127.0.0.1:${await freePort()}`,
    serveGrip: serveGrip.url,
    serveGripWs: serveGripWs.url,
  }
  const configFile = join(dir, 'gripgate.config.json')
  writeFileSync(configFile, JSON.stringify(gatewayConfig(origins), null, 2))
  let worker
  let passed = 0
  let failed = 0
  try {
    worker = await startWorker(configFile, await freePort(), join(dir, 'state'))
    const context = {
      gw: worker.url,
      origins: { ...origins, bumpRace: edge.bump },
      publishKey: PUBLISH_KEY,
      gripKey: GRIP_KEY,
    }
    for (const [name, run] of Object.entries(CASES)) {
      try {
        await run(context)
        passed += 1
        console.log(`ok   ${name}`)
      } catch (error) {
        failed += 1
        console.log(`FAIL ${name}\n     ${error instanceof Error ? error.message : error}`)
      }
    }
  } catch (error) {
    failed += 1
    console.log(`FAIL setup\n     ${error instanceof Error ? error.message : error}`)
  } finally {
    if (failed > 0 && worker) console.log(`--- wrangler output ---\n${worker.output()}`)
    await worker?.stop()
    await Promise.all([demo.close(), edge.close(), serveGrip.close(), serveGripWs.close()])
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(`${passed} passed, ${failed} failed`)
  process.exitCode = failed > 0 ? 1 : 0
}

await main()
