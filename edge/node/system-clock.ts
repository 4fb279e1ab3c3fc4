/**
 * The `Clock` seam on Node: wall time and unref'd timers, so pending keep-alives or hold
 * timeouts never keep a stopping process alive.
 * @module
 */
import type { Clock } from '../../src/platform.ts'

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return () => clearTimeout(timer)
  },
}
