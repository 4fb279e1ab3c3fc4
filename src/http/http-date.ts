/**
 * Strict HTTP-date parsing (RFC 9110 §5.6.7). `Date.parse` accepts far more than the
 * three formats HTTP allows (e.g. "UTC", missing commas, dashes), and RFC 9111 §5.3 says
 * an invalid Expires means "already expired", so the difference decides freshness.
 * Names are matched without case, as common caches do. A two-digit year is read against
 * `now`, the caller's clock (the platform's `Clock`), never the machine's.
 * @module
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)'
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ([a-z]{3}) (\\d{4}) ${TIME} gmt$`, 'i')
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-([a-z]{3})-(\\d{2}) ${TIME} gmt$`, 'i')
/** `Sun Nov  6 08:49:37 1994` (obsolete) */
const ASCTIME = new RegExp(`^${DAY} ([a-z]{3}) ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i')

/** Milliseconds since the epoch of a valid HTTP-date, or `undefined`; `now` in epoch ms. */
export function parseHttpDate(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  let match = IMF_FIXDATE.exec(text)
  if (match) return build(match[3]!, match[2]!, match[1]!, match[4]!, match[5]!, match[6]!)
  match = RFC850.exec(text)
  if (match) {
    const year = fullYear(Number(match[3]), new Date(now).getUTCFullYear())
    return build(String(year), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!)
  }
  match = ASCTIME.exec(text)
  if (match) return build(match[6]!, match[1]!, match[2]!.trim(), match[3]!, match[4]!, match[5]!)
  return undefined
}

/**
 * The year of a two-digit one (RFC 9110 §5.6.7): the nearest with those digits, except that
 * one more than 50 years ahead of `thisYear` is the most recent past one.
 */
function fullYear(twoDigit: number, thisYear: number): number {
  let year = thisYear - (thisYear % 100) + twoDigit
  if (year > thisYear + 50) year -= 100
  else if (year <= thisYear - 50) year += 100
  return year
}

function build(
  year: string,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string
) {
  const monthIndex = MONTHS.indexOf(month.toLowerCase())
  if (monthIndex === -1) return undefined
  const time = Date.UTC(
    Number(year),
    monthIndex,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second)
  )
  const check = new Date(time)
  // Reject impossible dates such as 31 Feb, which Date.UTC would roll over.
  if (
    check.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 60
  ) {
    return undefined
  }
  return time
}
