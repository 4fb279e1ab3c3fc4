/**
 * Issue #17: SIGHUP reloads the config of a running `gripgate serve`, validated first. Held
 * connections stay and keep receiving publishes; a file with problems leaves the running
 * config in place and is logged. As an operator meets it: a child process and a real signal.
 */
import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ServeProcess, startServe, writeTempConfig } from '../helpers/cli.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { StreamReader } from '../helpers/stream-clients.ts'

const OLD_KEY = 'the-key-before-the-reload'
const NEW_KEY = 'the-key-after-the-reload'

function config(origin: FixtureOrigin, key: string, extraRoute = false) {
  return {
    origins: { app: { url: origin.url } },
    routes: [
      ...(extraRoute ? [{ path: '/moved/*', origin: 'app', cache: false }] : []),
      { path: '/*', origin: 'app' },
    ],
    grip: { key: 'grip-key-for-reload-tests' },
    publish: { keys: [key] },
  }
}

function publish(gateway: ServeProcess, key: string, content: string): Promise<Response> {
  return fetch(`${gateway.url}/publish/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ channel: 'news', formats: { 'http-stream': { content } } }] }),
  })
}

/** Waits until the process printed `needle` `count` times (bounded). */
async function waitForOutput(gateway: ServeProcess, needle: string, count = 1): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (gateway.output().split(needle).length - 1 >= count) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`no "${needle}" in:\n${gateway.output()}`)
}

describe('SIGHUP reloads the config', () => {
  let origin: FixtureOrigin
  let gateway: ServeProcess
  let path: string

  beforeAll(async () => {
    origin = await startFixtureOrigin()
    origin.on('/events', {
      headers: {
        'content-type': 'text/event-stream',
        'grip-hold': 'stream',
        'grip-channel': 'news',
      },
    })
    path = await writeTempConfig(config(origin, OLD_KEY))
    gateway = await startServe(['--config', path, '--log-level', 'info', '--admin-port', '0'])
  })
  afterAll(async () => {
    await gateway?.stop()
    await origin?.close()
  })

  it('opens the admin listener of --admin-port and prints its URL', async () => {
    await waitForOutput(gateway, 'admin endpoints on ')
    const adminUrl = /admin endpoints on (http:\/\/\S+)/.exec(gateway.output())?.[1]
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await fetch(`${adminUrl}/readyz`)).status).toBe(200)
    expect(await (await fetch(`${adminUrl}/metrics`)).text()).toContain('gripgate_held_connections')
  })

  it('applies a changed file while a held stream stays open and keeps receiving', async () => {
    const stream = await StreamReader.open(`${gateway.url}/events`)
    try {
      expect((await publish(gateway, OLD_KEY, 'before\n')).status).toBe(200)
      await stream.waitForText((text) => text.includes('before'), 'the first item')

      await writeFile(path, JSON.stringify(config(origin, NEW_KEY, true)))
      gateway.child.kill('SIGHUP')
      await waitForOutput(gateway, '"msg":"config reloaded"')

      expect((await publish(gateway, OLD_KEY, 'refused\n')).status).toBe(401)
      expect((await publish(gateway, NEW_KEY, 'after\n')).status).toBe(200)
      await stream.waitForText(
        (text) => text.includes('after'),
        'the item published after the reload'
      )
      expect(stream.text).not.toContain('refused')
      expect(stream.ended).toBe(false)
      // The new route is in force: `cache: false` answers BYPASS.
      origin.on('/moved/x', { headers: { 'cache-control': 'max-age=60' }, body: 'moved' })
      const moved = await fetch(`${gateway.url}/moved/x`)
      expect(moved.headers.get('x-cache')).toBe('BYPASS')
      await moved.text()
    } finally {
      stream.close()
    }
  })

  it('keeps the running config when the file has problems, and logs them', async () => {
    const stream = await StreamReader.open(`${gateway.url}/events`)
    try {
      await writeFile(path, JSON.stringify({ ...config(origin, NEW_KEY), routes: [] }))
      gateway.child.kill('SIGHUP')
      await waitForOutput(gateway, 'config reload failed; the running config stays')
      expect(gateway.output()).toContain('$.routes')

      await writeFile(path, '{ not json')
      gateway.child.kill('SIGHUP')
      await waitForOutput(gateway, 'config reload failed; the running config stays', 2)

      expect((await publish(gateway, NEW_KEY, 'still\n')).status).toBe(200)
      await stream.waitForText((text) => text.includes('still'), 'an item after failed reloads')
      expect(gateway.child.exitCode).toBe(null)
    } finally {
      stream.close()
    }
  })
})
