/**
 * `npm run fuzz`: every fuzz property (test/hostile/fuzz-*.test.ts) with enough inputs that
 * the run passes 10^5 in total, then one line of figures per property: inputs, 5xx (all, and
 * those not documented for the input), throws (crashes), hangs and heap growth.
 *
 *   npm run fuzz                      # GRIPGATE_FUZZ_RUNS=10000 per property at weight 1
 *   npm run fuzz -- --runs=50000      # more
 *   npm run fuzz -- --seed=123 --path=4:2 fuzz-config   # replay one failure of one file
 *
 * Exits non-zero when a property failed (fast-check prints its seed and counterexample) or
 * when fewer than 10^5 inputs ran.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Figures } from '../test/helpers/fuzz.ts'

const TARGET_INPUTS = 100_000

const args = process.argv.slice(2)
const option = (name: string) =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)
const filters = args.filter((arg) => !arg.startsWith('--'))
const runs = option('runs') ?? '10000'
const dir = mkdtempSync(join(tmpdir(), 'gripgate-fuzz-'))

const env: NodeJS.ProcessEnv = {
  ...process.env,
  GRIPGATE_FUZZ_RUNS: runs,
  GRIPGATE_FUZZ_FIGURES: dir,
}
const seed = option('seed')
if (seed) env.GRIPGATE_FUZZ_SEED = seed
const path = option('path')
if (path) env.GRIPGATE_FUZZ_PATH = path

const files = filters.length > 0 ? filters : ['test/hostile/fuzz-']
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'node', '--reporter=dot', ...files],
  { env, stdio: 'inherit' }
)

const all: Figures[] = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .flatMap((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Figures[])
rmSync(dir, { recursive: true, force: true })

const rows = all.map((f) => [
  f.property,
  String(f.inputs),
  f.http ? String(f.status5xx) : '-',
  f.http ? String(f.serverErrors) : '-',
  String(f.throws),
  String(f.hangs),
  f.heapGrowthMiB === undefined ? '-' : f.heapGrowthMiB.toFixed(1),
  Object.entries(f.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, n]) => `${outcome}:${n}`)
    .join(' '),
])
const sum = (pick: (f: Figures) => number) => String(all.reduce((total, f) => total + pick(f), 0))
const total = Number(sum((f) => f.inputs))
rows.push([
  'total',
  String(total),
  sum((f) => f.status5xx),
  sum((f) => f.serverErrors),
  sum((f) => f.throws),
  sum((f) => f.hangs),
  '',
  '',
])
const header = [
  'property',
  'inputs',
  '5xx',
  'undocumented 5xx',
  'throws',
  'hangs',
  'heap +MiB',
  'outcomes',
]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
const line = (cells: string[]) =>
  cells
    .map((cell, i) => (i === 0 || i === 7 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
    .join('  ')
console.log(`\nFuzz figures (GRIPGATE_FUZZ_RUNS=${runs}${seed ? `, seed ${seed}` : ''})`)
console.log(line(header))
for (const row of rows) console.log(line(row))

let status = vitest.status ?? 1
if (filters.length === 0 && !seed && total < TARGET_INPUTS) {
  console.log(`fewer than ${TARGET_INPUTS} inputs ran (${total})`)
  status ||= 1
}
process.exit(status)
