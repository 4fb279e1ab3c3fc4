/**
 * In-memory `fastly:compute` (js-compute 3.46 `types/compute.d.ts`): `purgeSurrogateKey`
 * records each purge; `failPurge` makes a key throw, as a refused hostcall would.
 * @module
 */
import { record } from './calls.ts'

/** Purges made, in order. */
export const purges: Array<{ key: string; soft: boolean }> = []
const failing = new Map<string, string>()

/** Makes purging `key` throw `message` (until `resetCompute`). */
export function failPurge(key: string, message = 'purge refused'): void {
  failing.set(key, message)
}

/** Clears recorded purges and failures. */
export function resetCompute(): void {
  purges.length = 0
  failing.clear()
}

/** Records a purge; `soft` defaults to false like the real one. */
export function purgeSurrogateKey(surrogateKey: string, soft = false): void {
  record('purgeSurrogateKey', surrogateKey, soft)
  const failure = failing.get(surrogateKey)
  if (failure !== undefined) throw new Error(failure)
  purges.push({ key: surrogateKey, soft })
}

/** Elapsed vCPU milliseconds; always 0 here. */
export function vCpuTime(): number {
  return 0
}
