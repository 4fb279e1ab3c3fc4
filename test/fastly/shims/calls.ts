/**
 * The shared call log of the `fastly:*` shims (vitest aliases `fastly:<name>` to
 * `test/fastly/shims/<name>.ts`). Every shim appends what it was asked to do, so tests can
 * assert calls and their order across modules, e.g. "purged before it forwarded".
 * @module
 */

/** One recorded call. */
export interface ShimCall {
  api: string
  args: unknown[]
}

/** Every call since the last reset, in order. */
export const calls: ShimCall[] = []

/** Appends a call to the log. */
export function record(api: string, ...args: unknown[]): void {
  calls.push({ api, args })
}

/** Clears the log and every shim's seeded data (see `resetShims` in index.ts). */
export function clearCalls(): void {
  calls.length = 0
}
