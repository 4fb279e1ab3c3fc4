/**
 * Readable log lines for a terminal, from pino's JSON lines: `12:00:01.123 INFO  msg k=v`, and
 * for the access log `GET /path 200 HIT 1.2 ms 512 B`. Small on purpose: pino-pretty is a
 * dozen packages, and a person at a terminal needs only this.
 * @module
 */

const LEVEL_COLUMNS: Record<string, string> = {
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
}

/** Fields shown in the head of the line (or not at all), never again as `key=value`. */
const OWN = new Set(['level', 'time', 'pid', 'msg'])
const ACCESS = new Set(['method', 'path', 'status', 'cache', 'ms', 'bytes'])

function value(v: unknown): string {
  return typeof v === 'string' && !/[\s"=]/.test(v) ? v : JSON.stringify(v)
}

/** One pino JSON line as a readable line; a line that is not JSON passes as it is. */
export function prettyLine(line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : ''
  const level = LEVEL_COLUMNS[String(record.level)] ?? String(record.level).toUpperCase()
  const access = record.msg === 'request'
  const head = access
    ? [
        record.method,
        record.path,
        record.status,
        record.cache ?? '-',
        `${record.ms} ms`,
        `${record.bytes} B`,
      ].join(' ')
    : String(record.msg ?? '')
  const rest = Object.entries(record)
    .filter(([key]) => !OWN.has(key) && !(access && ACCESS.has(key)))
    .map(([key, v]) => `${key}=${value(v)}`)
  return `${time} ${level} ${head}${rest.length > 0 ? ` ${rest.join(' ')}` : ''}\n`
}
