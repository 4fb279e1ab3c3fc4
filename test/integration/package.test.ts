/**
 * The npm package as a user meets it (issue #17): `npm pack`, installed into an empty project
 * with no network, imported by plain Node (no TypeScript loader), type-checked as a consumer
 * would, and its command run through `npx`.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeConsumerProject } from '../helpers/offline-install.ts'

const run = promisify(execFile)
const repo = join(import.meta.dirname, '../..')
const tsc = join(repo, 'node_modules/typescript/bin/tsc')
const version = (await import('../../package.json', { with: { type: 'json' } })).default.version

/** What the consumer's code does with each entry; each is type-checked with its runtime's types. */
const CONSUMERS = {
  node: {
    code: `import { type GatewayConfig, parseConfig, type RunningGateway, startGateway } from 'gripgate'

const parsed = parseConfig({ origins: {}, routes: [] }, process.env)
const config: GatewayConfig | undefined = parsed.ok ? parsed.value : undefined
export const running: Promise<RunningGateway> | undefined =
  config && startGateway({ config, port: 0, host: '127.0.0.1' })
// @ts-expect-error: a port is a number
startGateway({ config: config!, port: '8080', host: '127.0.0.1' })
`,
    options: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022', 'DOM'],
      types: ['node'],
    },
  },
  cloudflare: {
    code: `import worker, { ChannelRoom, ConnectionHolder, type GatewayEnv, TagIndex } from 'gripgate/cloudflare'

export { ChannelRoom, ConnectionHolder, TagIndex }
export default worker satisfies ExportedHandler<GatewayEnv>
`,
    options: { lib: ['ES2022'], types: ['@cloudflare/workers-types'] },
  },
  fastly: {
    code: `import { fastlyGateway, serveFastly } from 'gripgate/fastly'

serveFastly({ origins: {}, routes: [] })
export const app = fastlyGateway({ origins: {}, routes: [] })
`,
    options: { lib: ['ES2022'], types: ['@fastly/js-compute'] },
  },
}

describe('the npm package', () => {
  let dir: string
  let tarball: string
  let consumer: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gripgate-pack-'))
    // `npm pack` runs `prepare`, which builds dist/ as a publish would.
    await run('npm', ['pack', '--pack-destination', dir], { cwd: repo })
    tarball = join(dir, `gripgate-${version}.tgz`)
    consumer = join(dir, 'consumer')
    await mkdir(consumer)
    await writeConsumerProject(repo, consumer, tarball)
    await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: consumer })
  }, 300_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('ships compiled JavaScript, declarations, the bin and the licence, and no tests', async () => {
    const { stdout } = await run('tar', ['tzf', tarball])
    const files = stdout.trim().split('\n')
    expect(files).toContain('package/LICENSE')
    expect(files).toContain('package/bin/gripgate')
    expect(files).toContain('package/dist/edge/node/index.js')
    expect(files).toContain('package/dist/edge/node/index.d.ts')
    expect(files).toContain('package/dist/edge/cloudflare/index.d.ts')
    expect(files).toContain('package/dist/edge/fastly/library.d.ts')
    // `gripgate demo` serves its page's files from beside its module.
    expect(files).toContain('package/dist/fixtures/demo/page/index.html')
    const stray = files.filter(
      (file) =>
        /^package\/(test|bench|scripts|fixtures|\.ci|src|edge)\//.test(file) ||
        (file.endsWith('.ts') && !file.endsWith('.d.ts'))
    )
    expect(stray).toEqual([])
  })

  it('installs only what runs: no TypeScript runner, bundler or Fastly CLI', async () => {
    const installed = await readdir(join(consumer, 'node_modules'))
    for (const name of ['esbuild', 'tsx', 'typescript', '@fastly', 'wrangler', 'vitest'])
      expect(installed).not.toContain(name)
    // pino (Node's logger, issue #17) ships its own small CLI; nothing else adds a command.
    expect(await readdir(join(consumer, 'node_modules/.bin'))).toEqual(['gripgate', 'pino'])
    const { stdout } = await run('du', ['-sh', join(consumer, 'node_modules')])
    console.log(`installed size of gripgate ${version} in a new project: ${stdout.split('\t')[0]}`)
  })

  it('serves from plain Node through the library API', async () => {
    const script = `import { createGateway, GatewayError, parseConfig, startGateway } from 'gripgate'
const config = parseConfig({ origins: { app: { url: 'http://127.0.0.1:9' } },
  routes: [{ path: '/*', origin: 'app' }], publish: { keys: ['k'] } }, {})
if (!config.ok) throw new Error(JSON.stringify(config.error))
const running = await startGateway({ config: config.value, port: 0, host: '127.0.0.1' })
const allowed = await fetch(running.url + '/_gripgate/stats', { headers: { authorization: 'Bearer k' } })
const refused = await fetch(running.url + '/_gripgate/stats')
await running.close(1000)
console.log(JSON.stringify({ allowed: allowed.status, refused: refused.status,
  functions: [typeof createGateway, typeof GatewayError],
  cloudflare: import.meta.resolve('gripgate/cloudflare'), fastly: import.meta.resolve('gripgate/fastly') }))
`
    await writeFile(join(consumer, 'smoke.mjs'), script)
    const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: consumer })
    const seen = JSON.parse(stdout) as Record<string, unknown>
    expect(seen).toMatchObject({ allowed: 200, refused: 401, functions: ['function', 'function'] })
    expect(seen.cloudflare).toMatch(/node_modules\/gripgate\/dist\/edge\/cloudflare\/index\.js$/)
    expect(seen.fastly).toMatch(/node_modules\/gripgate\/dist\/edge\/fastly\/library\.js$/)
  }, 60_000)

  it('type-checks a consumer of each entry with its runtime types', async () => {
    await Promise.all(
      Object.entries(CONSUMERS).map(async ([name, { code, options }]) => {
        const project = join(consumer, name)
        await mkdir(project)
        await writeFile(join(project, 'main.ts'), code)
        const compilerOptions = {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          noEmit: true,
          // What `tsc --init` writes; the package's own declarations are checked by its build.
          skipLibCheck: true,
          // The runtime types come from this repository's dev dependencies.
          typeRoots: [join(repo, 'node_modules/@types'), join(repo, 'node_modules')],
          ...options,
        }
        await writeFile(
          join(project, 'tsconfig.json'),
          JSON.stringify({ compilerOptions, include: ['main.ts'] })
        )
        await run(process.execPath, [tsc, '-p', project]).catch((error: { stdout?: string }) => {
          throw new Error(`the ${name} consumer does not type-check:\n${error.stdout}`)
        })
      })
    )
  }, 180_000)

  it('runs `npx gripgate --help` and `--version`', async () => {
    const help = await run('npx', ['--offline', 'gripgate', '--help'], { cwd: consumer })
    expect(help.stdout).toMatch(/^Usage: gripgate <command>/)
    const printed = await run('npx', ['--offline', 'gripgate', '--version'], { cwd: consumer })
    expect(printed.stdout.trim()).toBe(version)
  }, 60_000)
})
