import { describe, expect, it } from 'vitest'
import { formatJsonPath, sortByDocumentOrder } from '../../../src/config/json-path.ts'

describe('formatJsonPath', () => {
  it.each([
    { segments: [], want: '$' },
    { segments: ['routes', 0, 'origin'], want: '$.routes[0].origin' },
    { segments: ['origins', 'my app', 'url'], want: '$.origins["my app"].url' },
    { segments: ['origins', '1'], want: '$.origins["1"]' },
    { segments: ['origins', 'a-b'], want: '$.origins["a-b"]' },
    { segments: ['origins', 'say "hi"'], want: '$.origins["say \\"hi\\""]' },
    { segments: ['$schema'], want: '$.$schema' },
    { segments: ['_x9'], want: '$._x9' },
  ])('$want', ({ segments, want }) => {
    expect(formatJsonPath(segments)).toBe(want)
  })
})

describe('sortByDocumentOrder', () => {
  const doc = { b: [{ y: 1, x: 2 }, 3], a: { k: 1 } }
  const at = (...segments: (string | number)[]) => ({ segments })

  it('orders by key position, array index, parents first, missing keys last', () => {
    const sorted = sortByDocumentOrder(doc, [
      at('a', 'missing'),
      at('a', 'k'),
      at('missing'),
      at('b', 1),
      at('b', 0, 'x'),
      at('b', 0, 'y'),
      at('b', 0),
      at('a'),
    ])
    expect(sorted.map((p) => p.segments.join('.'))).toStrictEqual([
      'b.0',
      'b.0.y',
      'b.0.x',
      'b.1',
      'a',
      'a.k',
      'a.missing',
      'missing',
    ])
  })

  it('keeps the given order for ties', () => {
    const first = at('missing1')
    const second = at('missing2')
    expect(sortByDocumentOrder(doc, [second, first])).toStrictEqual([second, first])
  })
})
