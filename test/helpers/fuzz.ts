/**
 * What every fuzz property (test/hostile/fuzz-*.test.ts, issue #12) shares: how many inputs a
 * run tries, the figures each property keeps, a hang detector and a heap check.
 *
 * `npm test` tries a few hundred inputs per property. `npm run fuzz` (scripts/fuzz.ts) sets
 * `GRIPGATE_FUZZ_RUNS` so the whole run passes 10^5 inputs, and `GRIPGATE_FUZZ_FIGURES` to a
 * directory where each test file leaves its figures for the script to print at the end.
 * `GRIPGATE_FUZZ_SEED` replays a failure fast-check reported (with its `path`, if given).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Parameters } from 'fast-check'
import { afterAll } from 'vitest'

const positive = (text: string | undefined): number | undefined => {
  const n = Number(text)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/** Inputs per property at weight 1: a few hundred for `npm test`. */
export const BASE_RUNS = positive(process.env.GRIPGATE_FUZZ_RUNS) ?? 300

/**
 * How long one input may take before it counts as a hang. A hang detector, not a
 * performance target: inputs take well under a millisecond to a few milliseconds.
 */
export const HANG_MS = 10_000

/** Runs for a property: `weight` scales the base (real sockets are slower, so they run fewer). */
export function fuzzRuns(weight = 1): number {
  return Math.max(10, Math.round(BASE_RUNS * weight))
}

/** A vitest timeout for a property of `weight`: generous, so only a hang trips it. */
export function fuzzTimeout(weight = 1): number {
  return Math.max(60_000, fuzzRuns(weight) * 25)
}

/**
 * fast-check parameters for a property: its number of runs, the seed and path to replay
 * when given, and `examples`, the counterexamples found so far, kept as regression cases.
 * `stateful` properties (subscribers held across inputs) report the failing input unshrunk.
 */
export function fuzzParams<T>(
  weight = 1,
  examples: T[] = [],
  options: { stateful?: boolean } = {}
): Pick<Parameters<T>, 'numRuns' | 'examples' | 'endOnFailure' | 'seed' | 'path'> {
  const seed = Number(process.env.GRIPGATE_FUZZ_SEED)
  const path = process.env.GRIPGATE_FUZZ_PATH
  return {
    numRuns: fuzzRuns(weight),
    examples,
    // A property that keeps state across inputs (held subscribers) cannot be shrunk
    // meaningfully: report the input that failed as it was.
    endOnFailure: options.stateful ?? false,
    ...(Number.isInteger(seed) && process.env.GRIPGATE_FUZZ_SEED ? { seed } : {}),
    ...(path ? { path } : {}),
  }
}

/** What one property saw. `serverErrors` are 5xx answers the gateway was not allowed to give. */
export interface Figures {
  property: string
  inputs: number
  /** Every 5xx answered, documented ones (502 GRIP_BAD_INSTRUCT, 503, …) included. */
  status5xx: number
  /** 5xx that are not a documented answer to the input: a 500 INTERNAL, a bare 5xx. */
  serverErrors: number
  /** Inputs on which the code under test threw or rejected (for the gateway: a crash). */
  throws: number
  hangs: number
  /** Heap growth over the property's batch, after a full GC, in MiB. */
  heapGrowthMiB?: number
  /** Whether the property talks HTTP at all (pure parsers have no status). */
  http: boolean
  /** How many answers had each status (or, for parsers, each outcome such as `ok`/`error`). */
  outcomes: Record<string, number>
}

const all: Figures[] = []

/** New, registered figures for one property; the file's figures are written after its tests. */
export function figures(property: string, http = true): Figures {
  const f: Figures = {
    property,
    inputs: 0,
    status5xx: 0,
    serverErrors: 0,
    throws: 0,
    hangs: 0,
    http,
    outcomes: {},
  }
  all.push(f)
  return f
}

afterAll(() => {
  const dir = process.env.GRIPGATE_FUZZ_FIGURES
  if (!dir || all.length === 0) return
  const name = `${all[0]!.property.replace(/[^\w-]+/g, '-')}-${process.pid}.json`
  writeFileSync(join(dir, name), JSON.stringify(all))
})

/** Thrown by `fuzzCase` when an input does not finish within `HANG_MS`. */
export class HangError extends Error {
  constructor(ms: number) {
    super(`the input did not finish within ${ms} ms (hang detector)`)
    this.name = 'HangError'
  }
}

/**
 * Runs one input: counts it, and counts a throw or a hang (then rethrows, so fast-check
 * records the counterexample). Assertions belong after this call, not inside `run`.
 */
export async function fuzzCase<T>(f: Figures, run: () => Promise<T> | T, ms = HANG_MS): Promise<T> {
  f.inputs += 1
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HangError(ms)), ms)
  })
  try {
    return await Promise.race([Promise.resolve().then(run), hang])
  } catch (error) {
    if (error instanceof HangError) f.hangs += 1
    else f.throws += 1
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** `fuzzCase` for a pure, synchronous function: counts the input and any throw. */
export function fuzzSync<T>(f: Figures, run: () => T): T {
  f.inputs += 1
  try {
    return run()
  } catch (error) {
    f.throws += 1
    throw error
  }
}

/** Counts one outcome (a status, `ok`, `error`, …) for the figures. */
export function count(f: Figures, outcome: string): void {
  f.outcomes[outcome] = (f.outcomes[outcome] ?? 0) + 1
}

let collect: (() => void) | undefined

/** A full garbage collection, when V8 lets one be requested (it does under Node). */
export function gcNow(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc')
    collect = runInNewContext('gc') as () => void
  }
  collect()
}

/** Heap in use after a full GC, in MiB. */
export function heapMiB(): number {
  gcNow()
  return process.memoryUsage().heapUsed / 2 ** 20
}

/**
 * A heap bound for a fuzz batch: generous (what a batch legitimately keeps, such as fast-check's
 * own bookkeeping and the duplicate-id cache, stays far below it); a leak per input passes it
 * at 10^4 inputs.
 */
export const HEAP_GROWTH_BOUND_MIB = 96
