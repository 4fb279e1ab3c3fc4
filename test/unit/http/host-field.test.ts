import { describe, expect, it } from 'vitest'
import { hasRepeatedHost, isListHost } from '../../../src/http/host-field.ts'

describe('hasRepeatedHost', () => {
  it.each<[string[], boolean]>([
    [['Host', 'a'], false],
    [['Host', 'a', 'Accept', '*/*'], false],
    [['Host', 'a', 'host', 'b'], true],
    [['HOST', 'a', 'X', 'y', 'Host', 'a'], true],
    [['X-Host', 'a', 'Host', 'b'], false],
    [[], false],
  ])('%j → %s', (raw, want) => {
    expect(hasRepeatedHost(raw)).toBe(want)
  })
})

describe('isListHost', () => {
  it.each<[string | null, boolean]>([
    ['gw.test', false],
    ['gw.test:8080', false],
    ['[::1]:8080', false],
    ['gw.test, evil.example', true],
    [null, false],
  ])('%j → %s', (value, want) => {
    expect(isListHost(value)).toBe(want)
  })
})
