/**
 * A `Logger` that keeps every record, so tests can assert what was logged.
 * @module
 */
import type { Logger } from '../../src/platform.ts'

/** A log level of the `Logger` seam. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** One logged event. */
export interface LogRecord {
  level: LogLevel
  msg: string
  fields?: Record<string, unknown>
}

/** Collects log records in memory. */
export class CaptureLogger implements Logger {
  readonly records: LogRecord[] = []

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.#add('debug', msg, fields)
  }

  info(msg: string, fields?: Record<string, unknown>): void {
    this.#add('info', msg, fields)
  }

  warn(msg: string, fields?: Record<string, unknown>): void {
    this.#add('warn', msg, fields)
  }

  error(msg: string, fields?: Record<string, unknown>): void {
    this.#add('error', msg, fields)
  }

  /** The messages logged at `level`, oldest first. */
  messages(level: LogLevel): string[] {
    return this.records.filter((record) => record.level === level).map((record) => record.msg)
  }

  #add(level: LogLevel, msg: string, fields: Record<string, unknown> | undefined): void {
    this.records.push(fields === undefined ? { level, msg } : { level, msg, fields })
  }
}
