import { execFile, execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const wasm = `${root}/bin/main.wasm`
// The Fastly CLI is not a dependency (docs/fastly.md): .ci/run installs it once, on Linux x64.
const fastlyCli = execFileSync(process.execPath, [`${root}/scripts/fastly.mjs`, '--path'], {
  encoding: 'utf8',
}).trim()
if (!fastlyCli) {
  console.log(
    'SKIPPED fastly compute validate: the Fastly CLI is not installed (npm install --no-save @fastly/cli-linux-x64@16.1.0)'
  )
}

// The real build, not a shim: js-compute-runtime bundles edge/fastly/index.ts and wizer runs
// its top-level code, so an import-time error or a missing module fails here.
describe('the Fastly Compute build', () => {
  it('npm run build:fastly compiles edge/fastly to bin/main.wasm', async () => {
    rmSync(wasm, { force: true })
    const { stdout } = await run('npm', ['run', 'build:fastly'], { cwd: root })
    expect(stdout).toMatch(/built bin\/main\.wasm \([\d.]+ MiB\) in [\d.]+ s/)
    const bytes = readFileSync(wasm)
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]) // "\0asm"
    const module = await WebAssembly.compile(bytes)
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('_start')
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`)
    expect(imports).toContain('fastly_purge.purge_surrogate_key')
    expect(imports.some((name) => name.startsWith('fastly_http_cache.'))).toBe(true)
    expect(imports.some((name) => name.startsWith('fastly_secret_store.'))).toBe(true)
    // The gateway itself is in the pre-initialised snapshot, bundled config included.
    expect(bytes.includes('GRIP_NOT_HANDED_OFF')).toBe(true)
    expect(bytes.includes('gripgate_secrets')).toBe(true)
  })

  it.skipIf(!fastlyCli)('fastly compute validate accepts the packed package', async () => {
    expect(existsSync(wasm)).toBe(true)
    const { stdout } = await run('bash', ['scripts/fastly-validate.sh'], { cwd: root })
    expect(stdout).toContain('SUCCESS: Validated package')
    expect(existsSync(`${root}/pkg/gripgate.tar.gz`)).toBe(true)
  })

  it('npm run test:fastly:local skips, saying why, where Viceroy is missing', async () => {
    const env = { ...process.env, FASTLY_VICEROY_USE_PATH: '/nonexistent/viceroy' }
    const { stdout } = await run('npm', ['run', 'test:fastly:local'], { cwd: root, env })
    expect(stdout).toContain('test:fastly:local SKIPPED: Viceroy')
    expect(stdout).toContain('developer.fastly.com')
  })
})
