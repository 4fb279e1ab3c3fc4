/**
 * `npm run test:fastly:local`: runs the black-box cases (scripts/fastly-local-cases.ts)
 * against the wasm build under `fastly compute serve` (Viceroy), with Pushpin standing in
 * for Fanout and the demo origin on 127.0.0.1:9000, as fastly.toml's [local_server] says.
 *
 * Viceroy is not on npm or in Debian, and the Fastly CLI downloads it from
 * developer.fastly.com at run time; where it cannot be found this says so and skips (exit 0).
 * `--url <base> --key <publish key>` runs the same cases against a running service instead.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { accessSync, constants, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startDemoOrigin } from '../fixtures/demo/origin.ts'
import { runFastlyCases } from './fastly-local-cases.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const LOCAL_KEY = 'local-publish-key' // fastly.toml [[local_server.secret_stores.gripgate_secrets]]
const ADDR = '127.0.0.1:7676'

/** An executable named `name` on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

function findViceroy(): string | undefined {
  const given = process.env.FASTLY_VICEROY_USE_PATH
  if (given) {
    try {
      accessSync(given, constants.X_OK)
      return given
    } catch {
      return undefined
    }
  }
  return onPath('viceroy')
}

function skip(reason: string): never {
  console.log(`test:fastly:local SKIPPED: ${reason}`)
  process.exit(0)
}

async function waitForServer(base: string, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`fastly compute serve exited with ${child.exitCode}`)
    try {
      await fetch(`${base}/`)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  throw new Error(`${base} did not answer within ${ms} ms`)
}

function report(outcomes: Awaited<ReturnType<typeof runFastlyCases>>): number {
  for (const { name, problems } of outcomes) {
    console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${name}`)
    for (const problem of problems) console.log(`       ${problem}`)
  }
  const failed = outcomes.filter((outcome) => outcome.problems.length > 0).length
  console.log(`${outcomes.length - failed} passed, ${failed} failed`)
  return failed === 0 ? 0 : 1
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, key: { type: 'string' } } })
  if (values.url)
    return report(await runFastlyCases(values.url.replace(/\/$/, ''), values.key ?? ''))

  const viceroy = findViceroy()
  if (!viceroy) {
    skip(
      'Viceroy (Fastly’s local Compute runtime) is not installed: neither $FASTLY_VICEROY_USE_PATH ' +
        'nor `viceroy` on PATH. The Fastly CLI downloads it from developer.fastly.com at run time, ' +
        'which this machine cannot reach, and no npm or Debian package ships it. ' +
        'Install it (e.g. `cargo install viceroy`) to run these cases; the shimmed tests ' +
        '(npm run test:fastly) and the wasm build still run.'
    )
  }
  const pushpin = onPath('pushpin')
  if (!pushpin)
    skip('Pushpin, which stands in for Fanout locally, is not installed (apt-get install pushpin).')

  const fastly = spawnSync(process.execPath, [`${root}/scripts/fastly.mjs`, '--path'], {
    encoding: 'utf8',
  }).stdout.trim()
  if (!fastly)
    skip(
      'The Fastly CLI is not installed: npm install --no-save @fastly/cli-linux-x64@16.1.0, or fastly on the PATH.'
    )

  if (spawnSync('npm', ['run', 'build:fastly'], { cwd: root, stdio: 'inherit' }).status !== 0)
    return 1
  const origin = await startDemoOrigin(9000)
  // The CLI writes its config under $HOME: give it a throwaway one.
  const home = mkdtempSync(join(tmpdir(), 'gripgate-fastly-'))
  const serve = spawn(
    fastly,
    [
      'compute',
      'serve',
      '--file',
      'bin/main.wasm',
      '--addr',
      ADDR,
      '--viceroy-path',
      viceroy,
      '--experimental-enable-pushpin',
      '--pushpin-path',
      pushpin as string,
      '--non-interactive',
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, HOME: home } }
  )
  try {
    await waitForServer(`http://${ADDR}`, serve, 60_000)
    return report(await runFastlyCases(`http://${ADDR}`, LOCAL_KEY))
  } finally {
    serve.kill('SIGTERM')
    await origin.close()
  }
}

process.exit(await main())
