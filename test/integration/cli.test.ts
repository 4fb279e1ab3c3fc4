/**
 * The command line as a user meets it: help, config checking, refusing bad configs,
 * and shutting down cleanly on SIGTERM.
 */
import { describe, expect, it } from 'vitest'
import { runCli, startServe, writeTempConfig } from '../helpers/cli.ts'
import { startFixtureOrigin } from '../helpers/fixture-origin.ts'

const INVALID = {
  origins: { app: { url: 'ftp://nope', timeoutMs: 'soon' } },
  routes: [{ path: 'api', origin: 'ap' }],
  publish: { keys: [] },
}

describe('gripgate CLI', () => {
  // One test per command: each spawns a CLI, which takes seconds on a loaded machine.
  it.each(['--help', 'serve --help', 'check --help', 'demo --help'])(
    'prints help: gripgate %s',
    async (line) => {
      const { code, stdout } = await runCli(line.split(' '))
      expect(code).toBe(0)
      expect(stdout).toMatch(/Usage: gripgate/)
    }
  )

  it('rejects an unknown command with exit 2', async () => {
    const { code, stderr } = await runCli(['frobnicate'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/unknown command "frobnicate"/)
  })

  it('check accepts a valid config', async () => {
    const path = await writeTempConfig({
      origins: { app: { url: 'http://127.0.0.1:9000' } },
      routes: [{ path: '/*', origin: 'app' }],
    })
    const { code, stdout } = await runCli(['check', '--config', path])
    expect(code).toBe(0)
    expect(stdout).toMatch(/ok \(1 origin, 1 route\)/)
  })

  it('check lists every problem with its JSON path and exits 1', async () => {
    const path = await writeTempConfig(INVALID)
    const { code, stderr } = await runCli(['check', '--config', path])
    expect(code).toBe(1)
    for (const where of [
      '$.origins.app.url',
      '$.origins.app.timeoutMs',
      '$.routes[0].path',
      '$.routes[0].origin',
      '$.publish.keys',
    ]) {
      expect(stderr).toContain(where)
    }
  })

  it('check reports a missing file', async () => {
    const { code, stderr } = await runCli(['check', '--config', '/nonexistent/gripgate.json'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/cannot read config/)
  })

  it('serve refuses an invalid config with the same report and starts nothing', async () => {
    const path = await writeTempConfig(INVALID)
    const { code, stdout, stderr } = await runCli(['serve', '--config', path, '--port', '0'])
    expect(code).toBe(1)
    expect(stdout).not.toMatch(/listening/)
    expect(stderr).toContain('$.routes[0].origin')
  })

  it('serve drains an in-flight request on SIGTERM, then exits 0', async () => {
    const origin = await startFixtureOrigin()
    origin.on('/slow', { delayMs: 500, body: 'finished' })
    const path = await writeTempConfig({
      origins: { app: { url: origin.url } },
      routes: [{ path: '/*', origin: 'app' }],
    })
    const gateway = await startServe(['--config', path])
    try {
      const inFlight = fetch(`${gateway.url}/slow`).then((res) => res.text())
      await new Promise((resolve) => setTimeout(resolve, 100))
      const exit = gateway.stop()
      expect(await inFlight).toBe('finished')
      expect(await exit).toBe(0)
    } finally {
      await origin.close()
    }
  })
})
