/**
 * What a newcomer trips on (issue #17), each as they meet it: the CLI publish example, Pushpin's
 * own `pushpin-publish` with a GRIP URL, a busy port, and `gripgate check` on the committed
 * config right after `npm start`.
 */
import { execFile, spawnSync } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type ServeProcess, startServe, writeTempConfig } from '../helpers/cli.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { SseClient } from '../helpers/stream-clients.ts'

const run = promisify(execFile)
/** Each test spawns the CLI (TypeScript stripped on load) one to three times. */
const SPAWNS_MS = 60_000
const KEY = 'newcomer-publish-key'
const hasPushpinPublish = spawnSync('pushpin-publish', ['--version']).status === 0
if (!hasPushpinPublish) {
  console.log('SKIPPED: pushpin-publish is not installed (apt-get install pushpin)')
}

describe('what a newcomer meets', () => {
  let origin: FixtureOrigin
  let gateway: ServeProcess
  let config: string

  beforeAll(async () => {
    origin = await startFixtureOrigin()
    config = await writeTempConfig({
      origins: { app: { url: origin.url } },
      routes: [{ path: '/*', origin: 'app' }],
      grip: { key: 'newcomer-grip-key' },
      publish: { keys: [KEY] },
    })
    gateway = await startServe(['--config', config])
  }, SPAWNS_MS)
  afterAll(async () => {
    await gateway?.stop()
    await origin?.close()
  })

  /** An SSE client held on `channel`, once a publish is seen to reach it. */
  async function subscribe(channel: string): Promise<SseClient> {
    origin.on(`/stream/${channel}`, {
      headers: {
        'content-type': 'text/event-stream',
        'grip-hold': 'stream',
        'grip-channel': channel,
      },
      body: 'event: ready\ndata: \n\n',
    })
    const sse = new SseClient(`${gateway.url}/stream/${channel}`, ['ready', 'warmup', 'message'])
    await sse.waitForCount('ready', 1)
    const warmup = JSON.stringify({
      items: [{ channel, formats: { 'http-stream': { content: 'event: warmup\ndata: \n\n' } } }],
    })
    for (let attempt = 0; attempt < 50 && sse.data('warmup').length === 0; attempt++) {
      await fetch(`${gateway.url}/publish/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}` },
        body: warmup,
      })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await sse.waitForCount('warmup', 1)
    return sse
  }

  it(
    "publishes the README's `--data 'data: …\\n\\n'` as a whole SSE event",
    async () => {
      const sse = await subscribe('readme')
      try {
        // What a shell's single quotes pass: a backslash and an n, twice.
        const data = 'data: item 1 changed\\n\\n'
        const published = await runCli([
          'publish',
          '--url',
          gateway.url,
          '--key',
          KEY,
          '--channel',
          'readme',
          '--data',
          data,
        ])
        expect(published.stderr).toBe('')
        expect(published.code).toBe(0)
        await sse.waitForCount('message', 1)
        expect(sse.data()).toEqual(['item 1 changed'])
      } finally {
        sse.close()
      }
    },
    SPAWNS_MS
  )

  it.skipIf(!hasPushpinPublish)(
    'takes a publish from pushpin-publish given the GRIP URL http://host:port/?iss=…&key=…',
    async () => {
      const sse = await subscribe('pushpin')
      try {
        const spec = `${gateway.url}/?iss=gripgate&key=${KEY}`
        // pushpin-publish ends the HTTP content with a newline itself (no --no-eol).
        const { stdout } = await run('pushpin-publish', ['--spec', spec, 'pushpin', 'data: hi\n'])
        expect(stdout.trim()).toBe('Published')
        await sse.waitForCount('message', 1)
        expect(sse.data()).toEqual(['hi'])

        const wrong = await run('pushpin-publish', [
          '--spec',
          `${gateway.url}/?iss=gripgate&key=wrong`,
          'pushpin',
          'data: no\n',
        ]).catch((error: { code: number; stderr: string }) => error)
        expect(wrong).toMatchObject({ code: 1 })
        expect((wrong as { stderr: string }).stderr).toMatch(/not one of publish\.keys/)

        // A GRIP URL with a trailing slash and no key: pushpin-publish sends POST //publish/.
        const keyless = await run('pushpin-publish', [
          '--spec',
          `${gateway.url}/`,
          'pushpin',
          'data: no\n',
        ]).catch((error: { code: number; stderr: string }) => error)
        expect(keyless).toMatchObject({ code: 1 })
        expect((keyless as { stderr: string }).stderr).toMatch(/a publish key is required/)
        expect(sse.data()).toEqual(['hi'])
      } finally {
        sse.close()
      }
    },
    SPAWNS_MS
  )

  it(
    'says in one line that a port is busy, and exits 1',
    async () => {
      const holder: Server = createServer()
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
      const { port } = holder.address() as { port: number }
      try {
        const { code, stdout, stderr } = await runCli([
          'serve',
          '--config',
          config,
          '--port',
          String(port),
        ])
        expect(code).toBe(1)
        expect(stdout).toBe('')
        expect(stderr).toBe(
          `gripgate serve: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE); stop what listens there or choose another port with --port\n`
        )
      } finally {
        await new Promise((resolve) => holder.close(resolve))
      }
    },
    SPAWNS_MS
  )

  it(
    'check on the committed config says which variables to set, and passes once they are',
    async () => {
      const committed = join(import.meta.dirname, '../../gripgate.config.json')
      const unset = await runCli(['check', '--config', committed], {
        GRIPGATE_GRIP_KEY: '',
        GRIPGATE_PUBLISH_KEY: '',
      })
      expect(unset.code).toBe(1)
      expect(unset.stderr).toContain('export GRIPGATE_GRIP_KEY=... GRIPGATE_PUBLISH_KEY=...')
      const set = await runCli(['check', '--config', committed], {
        GRIPGATE_GRIP_KEY: 'a-grip-key',
        GRIPGATE_PUBLISH_KEY: 'a-publish-key',
      })
      expect(set.stderr).toBe('')
      expect(set.code).toBe(0)
    },
    SPAWNS_MS
  )

  it(
    'prints its version',
    async () => {
      const { version } = (await import('../../package.json', { with: { type: 'json' } })).default
      const { code, stdout } = await runCli(['--version'])
      expect(code).toBe(0)
      expect(stdout).toBe(`${version}\n`)
    },
    SPAWNS_MS
  )
})
