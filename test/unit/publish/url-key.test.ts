import { describe, expect, it } from 'vitest'
import { isLoopback, pushpinPublishKey } from '../../../src/publish/url-key.ts'

describe('pushpinPublishKey', () => {
  it.each([
    {
      name: 'iss and key, as pushpin-publish sends them',
      url: 'http://127.0.0.1:8080/?iss=realm&key=secret/publish/',
      want: { key: 'secret' },
    },
    { name: 'a key alone', url: 'http://h/?key=secret/publish/', want: { key: 'secret' } },
    {
      name: 'a percent-encoded key',
      url: 'http://h/?key=a%26b%2Fc/publish/',
      want: { key: 'a&b/c' },
    },
    { name: 'no key', url: 'http://h/?iss=realm/publish/', want: { key: undefined } },
    { name: 'the publish path itself', url: 'http://h/publish/?key=secret', want: undefined },
    { name: 'a query without the suffix', url: 'http://h/?key=secret', want: undefined },
    { name: 'an empty query', url: 'http://h/?/publish/', want: { key: undefined } },
    { name: 'a GRIP URL ending in a slash', url: 'http://h//publish/', want: { key: undefined } },
    { name: 'that path with a query', url: 'http://h//publish/?key=k', want: undefined },
    { name: 'another path', url: 'http://h/app/?key=secret/publish/', want: undefined },
  ])('$name → $want', ({ url, want }) => {
    expect(pushpinPublishKey(new URL(url), '/publish/')).toEqual(want)
  })

  it('follows a publish path under a prefix', () => {
    const url = new URL('http://h/grip/?key=secret/publish/')
    expect(pushpinPublishKey(url, '/grip/publish/')).toEqual({ key: 'secret' })
    expect(pushpinPublishKey(url, '/publish/')).toBeUndefined()
  })

  it('has no form for a publish path not ending in publish/', () => {
    expect(pushpinPublishKey(new URL('http://h/?key=k/publish/'), '/_pub/')).toBeUndefined()
  })
})

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['2001:db8::1', false],
    ['localhost', false],
    [undefined, false],
  ])('%s → %s', (address, want) => {
    expect(isLoopback(address)).toBe(want)
  })
})
