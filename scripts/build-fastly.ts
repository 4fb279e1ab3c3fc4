/**
 * `npm run build:fastly`: checks the config bundled into the Fastly build
 * (gripgate.fastly.json; its `{ "env": NAME }` secrets come from the Secret Store at run
 * time, so any value stands in for them here), then compiles edge/fastly/index.ts to
 * bin/main.wasm with js-compute-runtime, which bundles the TypeScript with esbuild itself.
 *
 * Flags (js-compute 3.46): `--enable-http-cache` turns on the readthrough-cache hooks that
 * edge/fastly/cache-policy.ts uses. Never `--enable-aot`: it downloads weval from GitHub at
 * build time, which fails offline (PLATFORMS.md A.1).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { secretNames } from '../edge/fastly/settings.ts'
import { formatProblems, parseConfigText } from '../src/config/parse.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const configFile = 'gripgate.fastly.json'
const output = 'bin/main.wasm'

const text = readFileSync(`${root}/${configFile}`, 'utf8')
const stand = Object.fromEntries(secretNames(JSON.parse(text)).map((name) => [name, 'x']))
const parsed = parseConfigText(text, stand)
if (!parsed.ok) {
  console.error(`${configFile} is invalid:\n${formatProblems(parsed.error)}`)
  process.exit(1)
}

mkdirSync(`${root}/bin`, { recursive: true })
const started = performance.now()
const run = spawnSync(
  `${root}/node_modules/.bin/js-compute-runtime`,
  ['--enable-http-cache', 'edge/fastly/index.ts', output],
  { cwd: root, stdio: 'inherit' }
)
if (run.status !== 0) {
  console.error(`js-compute-runtime failed (${run.error?.message ?? `exit ${run.status}`})`)
  process.exit(1)
}
const seconds = ((performance.now() - started) / 1000).toFixed(1)
const megabytes = (statSync(`${root}/${output}`).size / 1024 / 1024).toFixed(1)
console.log(`built ${output} (${megabytes} MiB) in ${seconds} s`)
