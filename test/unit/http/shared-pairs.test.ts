import { describe, expect, it } from 'vitest'
import { sharedPair } from '../../../src/http/shared-pairs.ts'

describe('sharedPair', () => {
  it('hands out one array per distinct field', () => {
    const a = sharedPair('host', 'gw.example')
    expect(a).toEqual(['host', 'gw.example'])
    expect(sharedPair('host', 'gw.example')).toBe(a)
    expect(sharedPair('host', 'other')).not.toBe(a)
    expect(sharedPair('x-host', 'gw.example')).not.toBe(a)
  })

  it('keeps no entry for a long value', () => {
    const long = 'v'.repeat(257)
    const a = sharedPair('cookie', long)
    expect(a).toEqual(['cookie', long])
    expect(sharedPair('cookie', long)).not.toBe(a)
  })

  it('stays bounded: past its size it starts over, and earlier pairs keep their content', () => {
    const first = sharedPair('x-n', '0')
    for (let i = 1; i <= 5000; i++) sharedPair('x-n', String(i))
    expect(first).toEqual(['x-n', '0'])
    expect(sharedPair('x-n', '0')).not.toBe(first)
  })
})
