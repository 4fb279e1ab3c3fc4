import { describe, expect, it } from 'vitest'
import { parsePurgeRequest } from '../../../src/purge/purge-request.ts'

describe('parsePurgeRequest', () => {
  it.each<[string, unknown, { keys: string[]; soft: boolean }]>([
    ['one key, hard by default', { keys: ['item-1'] }, { keys: ['item-1'], soft: false }],
    ['soft', { keys: ['a', 'b'], soft: true }, { keys: ['a', 'b'], soft: true }],
    ['soft false', { keys: ['a'], soft: false }, { keys: ['a'], soft: false }],
    ['duplicates once, in order', { keys: ['b', 'a', 'b'] }, { keys: ['b', 'a'], soft: false }],
    [
      '1000 keys',
      { keys: Array.from({ length: 1000 }, (_, i) => `k${i}`) },
      { keys: Array.from({ length: 1000 }, (_, i) => `k${i}`), soft: false },
    ],
    [
      'a 1024-character key',
      { keys: ['x'.repeat(1024)] },
      { keys: ['x'.repeat(1024)], soft: false },
    ],
  ])('accepts %s', (_name, body, want) => {
    expect(parsePurgeRequest(body)).toEqual({ ok: true, value: want })
  })

  const keyProblem = 'expected a non-empty key without spaces, at most 1024 characters'

  it.each<[string, unknown, string, string]>([
    ['null', null, '$', 'expected a JSON object'],
    ['an array', [], '$', 'expected a JSON object'],
    ['a string', 'item-1', '$', 'expected a JSON object'],
    ['no keys', {}, 'keys', 'expected a non-empty array of surrogate keys'],
    ['empty keys', { keys: [] }, 'keys', 'expected a non-empty array of surrogate keys'],
    ['keys not an array', { keys: 'a b' }, 'keys', 'expected a non-empty array of surrogate keys'],
    [
      '1001 keys',
      { keys: Array.from({ length: 1001 }, (_, i) => `k${i}`) },
      'keys',
      'at most 1000 keys per purge',
    ],
    ['a number key', { keys: ['a', 7] }, 'keys[1]', keyProblem],
    ['an empty key', { keys: [''] }, 'keys[0]', keyProblem],
    ['a key with a space', { keys: ['a', 'b', 'c d'] }, 'keys[2]', keyProblem],
    ['a key with a tab', { keys: ['c\td'] }, 'keys[0]', keyProblem],
    ['a 1025-character key', { keys: ['x'.repeat(1025)] }, 'keys[0]', keyProblem],
    ['soft not a boolean', { keys: ['a'], soft: 'yes' }, 'soft', 'expected a boolean'],
    ['an unknown field', { keys: ['a'], hard: true }, 'hard', 'unknown field "hard"'],
  ])('refuses %s', (_name, body, field, message) => {
    expect(parsePurgeRequest(body)).toEqual({ ok: false, error: { field, message } })
  })
})
