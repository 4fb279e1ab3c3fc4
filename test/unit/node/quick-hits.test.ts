import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isPlainTarget } from '../../../edge/node/quick-hits.ts'

/** The oracle: what the gateway sees once @hono/node-server has parsed the URL. */
function parsedAsSent(host: string, target: string): boolean {
  try {
    const url = new URL(`http://${host}${target}`)
    return url.host === host && `${url.pathname}${url.search}` === target
  } catch {
    return false
  }
}

// Characters that URL parsing treats specially somewhere (dot segments, escapes, quotes in a
// query, fragments, backslashes, spaces), mixed with plain ones.
const TARGET_CHARS = [...'/./.%2e%2E?#\\\'" <>`{}|^[]aZ09-_~!$&()*+,;=:@']
const HOSTS = [
  'gw.test',
  'gw.test:8080',
  '127.0.0.1',
  '127.1',
  '0x7f.0.0.1',
  'localhost:80',
  'a..b',
  'a.b.',
  'x:65536',
  'Upper.test',
  'xn--bcher-kva.test',
  '[::1]:80',
]

describe('isPlainTarget', () => {
  it('never calls a target plain that URL parsing would rewrite', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HOSTS),
        fc.array(fc.constantFrom(...TARGET_CHARS), { maxLength: 24 }),
        (host, chars) => {
          const target = `/${chars.join('')}`
          if (isPlainTarget(host, target)) expect(parsedAsSent(host, target)).toBe(true)
        }
      ),
      { numRuns: 20_000 }
    )
  })

  it.each([
    ['gw.test', '/a/b?x=1&y=2', true],
    ['gw.test:8080', '/items/1', true],
    ['gw.test', '/.well-known/x', true],
    ['gw.test', '/b/../a', false],
    ['gw.test', '/%2e%2e/a', false],
    ['gw.test', "/a?x='1'", false],
    ['gw.test', '/a#frag', false],
    ['localhost:80', '/a', false],
    ['127.1', '/a', false],
    ['gw.test', 'http://gw.test/a', false],
    [undefined, '/a', false],
  ])('%s %s is plain: %s', (host, target, plain) => {
    expect(isPlainTarget(host, target)).toBe(plain)
  })
})
