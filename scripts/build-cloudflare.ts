/**
 * `npm run build:cloudflare`: bundles the Worker exactly as `wrangler deploy` would, without
 * deploying (`--dry-run`), offline, into a temporary directory it prints.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OFFLINE_ENV } from './dev-cloudflare-args.ts'

const outdir = mkdtempSync(join(tmpdir(), 'gripgate-cloudflare-'))
const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js')
const result = spawnSync(
  process.execPath,
  [wrangler, 'deploy', '--dry-run', '--outdir', outdir, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, ...OFFLINE_ENV } }
)
if (result.status === 0) console.log(`bundle written to ${outdir}`)
process.exit(result.status ?? 1)
