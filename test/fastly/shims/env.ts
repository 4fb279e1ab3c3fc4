/**
 * In-memory `fastly:env` (js-compute 3.46 `types/env.d.ts`): values set with `setEnv`.
 * @module
 */
import { record } from './calls.ts'

const values = new Map<string, string>()

/** Sets (or, with undefined, removes) an environment variable. */
export function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) values.delete(name)
  else values.set(name, value)
}

/** Removes every value. */
export function resetEnv(): void {
  values.clear()
}

/** Like Compute's: undefined when the variable does not exist. */
export function env(name: string): string | undefined {
  record('env', name)
  return values.get(name)
}
