/**
 * `gripgate demo` as `npm start` runs it, with the committed gripgate.config.json; only the
 * demo origin's port is changed, to a free one, so tests never collide with a running demo.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ServeProcess, startListening, writeTempConfig } from './cli.ts'
import { freePort } from './pushpin.ts'

/** The keys the demo runs with in tests (`gripgate demo` keeps keys already set). */
export const DEMO_TEST_KEYS = {
  GRIPGATE_GRIP_KEY: 'grip-key-for-the-demo-test',
  GRIPGATE_PUBLISH_KEY: 'publish-key-for-the-demo-test',
}

/** Starts `bin/gripgate demo` on free ports and resolves once it listens. */
export async function startDemo(env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const committed = JSON.parse(
    await readFile(join(import.meta.dirname, '../../gripgate.config.json'), 'utf8')
  )
  delete committed.$schema
  committed.origins.demo.url = `http://127.0.0.1:${await freePort()}`
  const config = await writeTempConfig(committed)
  // The first start after a change compiles the TypeScript: slow on a busy machine.
  return startListening(
    'demo',
    ['--config', config, '--port', '0'],
    { ...DEMO_TEST_KEYS, ...env },
    60_000
  )
}
