/**
 * The `Clock` seam on Node: wall time and unref'd timers, so pending keep-alives or hold
 * timeouts never keep a stopping process alive. Delays beyond what one Node timer takes
 * (2^31-1 ms) are chained instead of firing after 1 ms (src/timers.ts).
 * @module
 */
import type { Clock } from '../../src/platform.ts'
import { scheduleChained } from '../../src/timers.ts'

const setUnrefTimer = (ms: number, fn: () => void): NodeJS.Timeout => {
  const timer = setTimeout(fn, ms)
  timer.unref()
  return timer
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule: (ms, fn) => scheduleChained(setUnrefTimer, clearTimeout, ms, fn),
}
