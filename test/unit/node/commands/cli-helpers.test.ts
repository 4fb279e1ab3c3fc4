import { describe, expect, it } from 'vitest'
import { listenProblem } from '../../../../edge/node/commands/listen-error.ts'
import { unsetHint } from '../../../../edge/node/commands/load-config.ts'
import { interpretEscapes } from '../../../../edge/node/commands/publish.ts'

describe('interpretEscapes', () => {
  it.each([
    ['data: hello\\n\\n', 'data: hello\n\n'],
    ['a\\tb\\r\\n', 'a\tb\r\n'],
    ['a backslash: \\\\n', 'a backslash: \\n'],
    ['others stay: \\u00e9 \\" \\x', 'others stay: \\u00e9 \\" \\x'],
    ['a trailing \\', 'a trailing \\'],
    ['', ''],
  ])('%j → %j', (typed, sent) => {
    expect(interpretEscapes(typed)).toBe(sent)
  })
})

describe('listenProblem', () => {
  const failure = (code: string) =>
    Object.assign(new Error(`listen ${code}`), { code, address: '127.0.0.1', port: 8080 })

  it.each([
    ['EADDRINUSE', /^cannot listen on 127\.0\.0\.1:8080: the port is in use \(EADDRINUSE\)/],
    ['EACCES', /^cannot listen on 127\.0\.0\.1:8080: permission denied \(EACCES\)/],
    ['EADDRNOTAVAIL', /^cannot listen on 127\.0\.0\.1:8080: not an address of this machine/],
  ])('%s → one line', (code, want) => {
    const line = listenProblem(failure(code))
    expect(line).toMatch(want)
    expect(line).not.toContain('\n')
  })

  it.each([
    ['another errno', failure('ECONNRESET')],
    ['an error without an address', Object.assign(new Error('x'), { code: 'EADDRINUSE' })],
    ['not an error', 'EADDRINUSE'],
  ])('%s → nothing', (_name, error) => {
    expect(listenProblem(error)).toBeUndefined()
  })
})

describe('unsetHint', () => {
  it('names every unset or empty variable', () => {
    const hint = unsetHint([
      { path: '$.grip.key', message: 'environment variable GRIP is not set' },
      { path: '$.origins', message: 'expected an object' },
      { path: '$.publish.keys[0]', message: 'environment variable PUB is empty' },
    ])
    expect(hint).toContain('export GRIP=... PUB=...')
  })

  it('says nothing when no variable is missing', () => {
    expect(unsetHint([{ path: '$.origins', message: 'expected an object' }])).toBe('')
  })
})
