/**
 * A console `Logger` for Workers: one JSON object per line, which `wrangler tail` and
 * Workers Logs index field by field. Level from `GRIPGATE_LOG` (default info).
 * @module
 */
import type { Logger } from '../../src/platform.ts'

const LEVELS = ['debug', 'info', 'warn', 'error'] as const
type Level = (typeof LEVELS)[number]

/** Logs at or above `level` to the console of the isolate. */
export function workersLogger(level = 'info'): Logger {
  const threshold = Math.max(0, LEVELS.indexOf(level as Level))
  const log = (at: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(at) < threshold) return
    const line = JSON.stringify({ level: at, msg, ...fields })
    if (at === 'error') console.error(line)
    else if (at === 'warn') console.warn(line)
    else console.log(line)
  }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}
