/**
 * `npm run dev:cloudflare`: the gateway on workerd through `wrangler dev`, offline and quiet.
 *
 *   GRIPGATE_CONFIG=gripgate.config.json npm run dev:cloudflare -- --port 8787
 *
 * GRIPGATE_CONFIG is a config file (default ./gripgate.config.json) or the JSON itself. The
 * config is checked first, with the same report as `gripgate check`; its `{ "env": "NAME" }`
 * secrets are read from this environment (then `.dev.vars`) and reach the Worker through a
 * temporary env file, never the command line. Arguments after `--` go to `wrangler dev`.
 * SIGINT/SIGTERM are passed on to wrangler, which stops its workerd processes.
 * @module
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatProblems, parseConfigText } from '../src/config/parse.ts'
import {
  configEnvNames,
  dotenvFor,
  isInlineJson,
  OFFLINE_ENV,
  PASSED_VARS,
  parseDotenv,
  wranglerDevArgs,
} from './dev-cloudflare-args.ts'

const source = process.env.GRIPGATE_CONFIG ?? 'gripgate.config.json'
const where = isInlineJson(source) ? 'GRIPGATE_CONFIG' : source
let text: string
try {
  text = isInlineJson(source) ? source : readFileSync(source, 'utf8')
} catch (error) {
  console.error(`cannot read config ${source}: ${(error as NodeJS.ErrnoException).code ?? error}`)
  process.exit(1)
}

// `.dev.vars` is what wrangler reads by default; the shell's values win over it.
const hasDevVars = existsSync('.dev.vars')
const devVars = hasDevVars ? parseDotenv(readFileSync('.dev.vars', 'utf8')) : {}
const env = { ...devVars, ...process.env }
const parsed = parseConfigText(text, env)
if (!parsed.ok) {
  const count = parsed.error.length
  console.error(
    `${where}: ${count} problem${count === 1 ? '' : 's'}\n${formatProblems(parsed.error)}`
  )
  process.exit(1)
}

const dir = mkdtempSync(join(tmpdir(), 'gripgate-dev-'))
const envFile = join(dir, 'worker.env')
writeFileSync(envFile, dotenvFor([...configEnvNames(JSON.parse(text)), ...PASSED_VARS], env), {
  mode: 0o600,
})

const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js')
const args = wranglerDevArgs({
  configJson: JSON.stringify(JSON.parse(text)),
  // Later files win: the shell's values over `.dev.vars`.
  envFiles: hasDevVars ? ['.dev.vars', envFile] : [envFile],
  userArgs: process.argv.slice(2),
})
const child = spawn(process.execPath, [wrangler, ...args], {
  stdio: 'inherit',
  env: { ...process.env, ...OFFLINE_ENV },
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal))
}
child.on('exit', (code, signal) => {
  rmSync(dir, { recursive: true, force: true })
  process.exit(code ?? (signal ? 1 : 0))
})
