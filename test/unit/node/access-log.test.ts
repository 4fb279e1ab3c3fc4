import { describe, expect, it } from 'vitest'
import { saneRequestId } from '../../../edge/node/access-log.ts'
import { prettyLine } from '../../../edge/node/pretty-log.ts'

describe('saneRequestId', () => {
  it.each([
    ['abc-123', 'abc-123'],
    ['0b6c1e4e-8a8e-4d55-9a3e-1a2b3c4d5e6f', '0b6c1e4e-8a8e-4d55-9a3e-1a2b3c4d5e6f'],
    ['Root=1-5759e988-bd862e3fe1be46a994272793', 'Root=1-5759e988-bd862e3fe1be46a994272793'],
    ['with space', undefined],
    ['quote"', undefined],
    ['line\nbreak', undefined],
    ['', undefined],
    ['x'.repeat(129), undefined],
    [undefined, undefined],
  ])('%j is kept as %j', (sent, kept) => {
    expect(saneRequestId(sent)).toBe(kept)
  })

  it('refuses a repeated header (an array)', () => {
    expect(saneRequestId(['a', 'b'])).toBeUndefined()
  })
})

describe('prettyLine', () => {
  it('writes an access line as method, path, status, cache, time and bytes', () => {
    const line = JSON.stringify({
      level: 'info',
      time: '2026-01-02T03:04:05.678Z',
      pid: 1,
      method: 'GET',
      path: '/a',
      status: 200,
      cache: 'HIT',
      origin: 'app',
      ms: 1.5,
      bytes: 300,
      id: 'r1',
      msg: 'request',
    })
    expect(prettyLine(line)).toBe(
      '03:04:05.678 INFO  GET /a 200 HIT 1.5 ms 300 B origin=app id=r1\n'
    )
  })

  it('writes other events as the message and its fields, quoting what needs it', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-01-02T03:04:05.678Z',
      msg: 'gateway error answered',
      status: 502,
      detail: 'origin "app" could not be reached',
    })
    expect(prettyLine(line)).toBe(
      '03:04:05.678 WARN  gateway error answered status=502 detail="origin \\"app\\" could not be reached"\n'
    )
  })

  it('passes a line that is not JSON as it is', () => {
    expect(prettyLine('plain\n')).toBe('plain\n')
  })
})
