/**
 * A console `Logger` for Node: one line per event, level from `GRIPGATE_LOG`.
 * @module
 */
import type { Logger } from '../../src/platform.ts'

const LEVELS = ['debug', 'info', 'warn', 'error'] as const
type Level = (typeof LEVELS)[number]

/** Logs to stderr at or above `level`. */
export function consoleLogger(level: string = process.env.GRIPGATE_LOG ?? 'info'): Logger {
  const threshold = Math.max(0, LEVELS.indexOf(level as Level))
  const log = (at: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(at) < threshold) return
    const extra = fields ? ` ${JSON.stringify(fields)}` : ''
    process.stderr.write(`${new Date().toISOString()} ${at} ${msg}${extra}\n`)
  }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}
