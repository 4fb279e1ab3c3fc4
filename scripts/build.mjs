// `npm run build` (and `prepare`, so `npm install`, `npm ci` and `npm pack` run it): compiles
// the package's JavaScript and declarations into dist/ with tsc (tsconfig.build.json). A
// plain .mjs so it needs nothing but TypeScript, a dev dependency.
import { spawnSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
let tsc
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
} catch {
  console.error('gripgate build: TypeScript is not installed (a dev dependency): run npm install')
  process.exit(1)
}
const started = performance.now()
// A file removed from the source must not linger in the package.
rmSync(`${root}/dist`, { recursive: true, force: true })
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
})
if (run.status !== 0) {
  console.error(`gripgate build: tsc failed (${run.error?.message ?? `exit ${run.status}`})`)
  process.exit(1)
}
// tsc emits only what modules import; the demo origin reads its page's files at run time.
cpSync(`${root}/fixtures/demo/page`, `${root}/dist/fixtures/demo/page`, { recursive: true })
console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`)
