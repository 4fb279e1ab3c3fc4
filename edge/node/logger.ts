/**
 * Logging on Node with pino: one JSON object per line on stderr (the access log and the
 * gateway's own events alike; docs/operations.md, "Logs"), or short readable lines when
 * stderr is a terminal. The level comes from `--log-level`, else `GRIPGATE_LOG`, else info.
 * @module
 */
import { type DestinationStream, type Logger as Pino, pino } from 'pino'
import type { Logger } from '../../src/platform.ts'
import { prettyLine } from './pretty-log.ts'

/** The levels of the `Logger` seam, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** `value` as a log level, or undefined when it is not one. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  return LOG_LEVELS.find((level) => level === value)
}

/** How to log. */
export interface NodeLogOptions {
  /** Default `GRIPGATE_LOG`, else `info`; an unknown name means `info`. */
  level?: string
  /** Readable lines instead of JSON; default: whether stderr is a terminal. */
  pretty?: boolean
  /** Where lines go (tests); default stderr. */
  destination?: DestinationStream
}

/** A pino logger as the options say. */
export function createPino(options: NodeLogOptions = {}): Pino {
  const level = parseLogLevel(options.level ?? process.env.GRIPGATE_LOG) ?? 'info'
  const pretty = options.pretty ?? process.stderr.isTTY === true
  const destination =
    options.destination ??
    (pretty
      ? { write: (line: string) => process.stderr.write(prettyLine(line)) }
      : pino.destination({ fd: 2, sync: false }))
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not pino's numbers: the lines are read by people and by log shippers.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination
  )
}

/** The `Logger` seam over pino: the fields first, as pino takes them. */
export function loggerOver(log: Pino): Logger {
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
  }
}

/** A `Logger` on stderr at or above `level` (default `GRIPGATE_LOG`, else info). */
export function consoleLogger(level?: string): Logger {
  return loggerOver(createPino(level === undefined ? {} : { level }))
}
