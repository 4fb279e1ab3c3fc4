#!/usr/bin/env node
// The checks `npm test` runs before vitest, at the same time and saying what they are doing:
// Biome, `tsc -b tsconfig.typecheck.json` (one project per runtime, incremental in .tsbuild/)
// and `tsc -p edge/fastly` (not composite, see its tsconfig). Each prints its output when it
// ends; the exit status is non-zero when any failed.
//   node scripts/check.mjs             # lint and typecheck (npm test runs this)
//   node scripts/check.mjs typecheck   # the two tsc runs only (npm run typecheck)
// Plain JavaScript so that it starts without a TypeScript loader.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { relative, resolve } from 'node:path'
import { stripVTControlCharacters } from 'node:util'

const require = createRequire(import.meta.url)
const root = new URL('..', import.meta.url).pathname
const tsc = require.resolve('typescript/bin/tsc')
const biome = require.resolve('@biomejs/biome/bin/biome')
const pretty = process.stdout.isTTY ? [] : ['--pretty', 'false']
const started = performance.now()

/** Seconds since the checks started, for the progress lines. */
const clock = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
const say = (line) => console.log(`check: ${line}`)

/** The checks by name; `typecheck` is the two tsc runs. */
const CHECKS = {
  lint: [{ name: 'biome ci', args: [biome, 'ci', '--colors=off', '.'] }],
  typecheck: [
    {
      name: 'tsc -b',
      args: [tsc, '-b', 'tsconfig.typecheck.json', '--verbose', ...pretty],
      progress: tscProgress(),
    },
    { name: 'tsc -p edge/fastly', args: [tsc, '-p', 'edge/fastly', ...pretty] },
  ],
}

/**
 * Turns `tsc -b --verbose` status lines into one progress line per project and keeps every
 * other line (the diagnostics). Returns whether the line was a status line.
 */
function tscProgress() {
  let total = 0
  let done = 0
  let listing = false
  return (line) => {
    const plain = stripVTControlCharacters(line)
    // "Projects in this build:" and then one "    * path" line per project.
    if (/ - Projects in this build:/.test(plain)) listing = true
    else if (listing && /^\s+\* /.test(plain)) total += 1
    else listing = false
    if (listing) return true
    const building = / - Building project '(.+)'\.\.\.$/.exec(plain)
    const upToDate = / - Project '(.+)' is up to date/.exec(plain)
    const project = building?.[1] ?? upToDate?.[1]
    if (project) {
      done += 1
      // The solution file lists itself among the projects.
      const of = Math.max(total - 1, done)
      const name = relative(root, resolve(root, project)).replace(/\/?tsconfig\.json$/, '') || '.'
      const what = building ? `checking ${name}` : `${name} up to date`
      say(`tsc -b: ${what} (project ${done} of ${of}, ${clock()})`)
      return true
    }
    return / - (Project '.+' is out of date|Updating |Skipping build)/.test(plain)
  }
}

/** Runs one check; resolves with whether it passed, after printing what it had to say. */
function run({ name, args, progress }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    const output = []
    let partial = ''
    const take = (chunk) => {
      const lines = (partial + chunk).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) if (!progress?.(line)) output.push(line)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    child.on('error', (error) => output.push(String(error)))
    child.on('close', (code) => {
      if (partial) take('\n')
      const text = output
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim()
      say(`${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} (${clock()})`)
      if (text) console.log(text)
      resolve(code === 0)
    })
  })
}

const names = process.argv.slice(2)
const unknown = names.filter((name) => !(name in CHECKS))
if (unknown.length > 0) {
  console.error(`usage: check.mjs [${Object.keys(CHECKS).join('|')}]... (unknown: ${unknown})`)
  process.exit(2)
}
const checks = (names.length > 0 ? names : Object.keys(CHECKS)).flatMap((name) => CHECKS[name])
say(`${checks.map((check) => check.name).join(', ')} (at the same time)`)
const passed = await Promise.all(checks.map(run))
const ok = passed.every(Boolean)
say(`${ok ? 'all passed' : 'FAILED'} in ${clock()}`)
process.exit(ok ? 0 : 1)
