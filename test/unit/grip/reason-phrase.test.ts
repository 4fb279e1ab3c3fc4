import { describe, expect, it } from 'vitest'
import { reasonPhrase } from '../../../src/grip/reason-phrase.ts'

describe('reasonPhrase', () => {
  it.each([
    { code: 200, want: 'OK' },
    { code: 201, want: 'Created' },
    { code: 204, want: 'No Content' },
    { code: 304, want: 'Not Modified' },
    { code: 404, want: 'Not Found' },
    { code: 409, want: 'Conflict' },
    { code: 413, want: 'Content Too Large' },
    { code: 502, want: 'Bad Gateway' },
    { code: 299, want: '' },
    { code: 0, want: '' },
    { code: 999, want: '' },
  ])('$code', ({ code, want }) => {
    expect(reasonPhrase(code)).toBe(want)
  })
})
