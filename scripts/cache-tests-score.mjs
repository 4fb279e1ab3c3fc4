#!/usr/bin/env node
// Scores a results file of the HTTP caching test suite (http-tests/cache-tests) the way
// cache-tests.fyi does: required tests (no `kind`, or kind "required") that pass with every
// test they depend on passing. The suite's own rules are imported from its checkout.
// usage: node scripts/cache-tests-score.mjs <suite dir> <results.json>
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [suiteDir, resultsFile] = process.argv.slice(2)
if (!suiteDir || !resultsFile) {
  console.error('usage: cache-tests-score.mjs <suite dir> <results.json>')
  process.exit(2)
}
const load = (path) => import(pathToFileURL(join(suiteDir, path)).href)
const { determineTestResult, resultTypes } = await load('test-engine/lib/results.mjs')
const suites = (await load('tests/index.mjs')).default
const text = readFileSync(resultsFile, 'utf8')
const results = JSON.parse(text.slice(text.indexOf('{')))

const tests = new Map()
for (const suite of suites)
  for (const test of suite.tests)
    if (!test.browser_only) tests.set(test.id, { suite: suite.id, test })
const required = [...tests.values()].filter(
  ({ test }) => test.kind === undefined || test.kind === 'required'
)
const failures = []
let passed = 0
for (const { suite, test } of required) {
  if (determineTestResult(suites, test.id, results, true) === resultTypes.pass) passed += 1
  else failures.push(`  ${suite} ${test.id}: ${test.name}`)
}
console.log(`required: ${passed} passed / ${required.length} total`)
if (failures.length) console.log(`not passed:\n${failures.join('\n')}`)
