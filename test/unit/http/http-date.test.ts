import { describe, expect, it } from 'vitest'
import { parseHttpDate } from '../../../src/http/http-date.ts'

const AUG_18_2050 = Date.UTC(2050, 7, 18, 2, 1, 18)
/** The gateway clock's time the dates are read at. */
const NOW = Date.UTC(2025, 0, 1)

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  it.each([
    ['IMF-fixdate', 'Thu, 18 Aug 2050 02:01:18 GMT', AUG_18_2050],
    ['obsolete RFC 850', 'Thursday, 18-Aug-50 02:01:18 GMT', AUG_18_2050],
    ['obsolete asctime', 'Thu Aug 18 02:01:18 2050', AUG_18_2050],
    ['asctime with a padded day', 'Mon Aug  8 02:01:18 2050', Date.UTC(2050, 7, 8, 2, 1, 18)],
    ['names in another case', 'THU, 18 AUG 2050 02:01:18 gmt', AUG_18_2050],
  ])('accepts %s', (_name, value, expected) => {
    expect(parseHttpDate(value, NOW)).toBe(expected)
  })

  it.each([
    ['a UTC zone', 'Thu, 18 Aug 2050 02:01:18 UTC'],
    ['another zone', 'Thu, 18 Aug 2050 02:01:18 AEST'],
    ['a two-digit year in IMF-fixdate', 'Thu, 18 Aug 50 02:01:18 GMT'],
    ['a missing comma', 'Thu 18 Aug 2050 02:01:18 GMT'],
    ['double spaces', 'Thu, 18  Aug  2050 02:01:18 GMT'],
    ['dashes in an IMF-fixdate', 'Thu, 18-Aug-2050 02:01:18 GMT'],
    ['a one-digit hour', 'Thu, 18 Aug 2050 2:01:18 GMT'],
    ['time periods', 'Thu, 18 Aug 2050 02.01.18 GMT'],
    ['an impossible day', 'Thu, 31 Feb 2050 02:01:18 GMT'],
    ['zero', '0'],
    ['nothing', ''],
  ])('rejects %s', (_name, value) => {
    expect(parseHttpDate(value, NOW)).toBeUndefined()
  })
})

describe('parseHttpDate two-digit years (RFC 9110 §5.6.7)', () => {
  const at = (year: number) => Date.UTC(year, 0, 1)
  it.each([
    [
      'the current century',
      'Sunday, 06-Nov-94 08:49:37 GMT',
      at(2100),
      Date.UTC(2094, 10, 6, 8, 49, 37),
    ],
    [
      'the past century, more than 50 years ahead',
      'Sunday, 06-Nov-94 08:49:37 GMT',
      at(2025),
      Date.UTC(1994, 10, 6, 8, 49, 37),
    ],
    [
      'the next century, less than 50 years ahead',
      'Monday, 01-Jan-01 00:00:00 GMT',
      at(2099),
      Date.UTC(2101, 0, 1),
    ],
  ])('reads a year of %s by the given clock', (_name, value, now, expected) => {
    expect(parseHttpDate(value, now)).toBe(expected)
  })
})
