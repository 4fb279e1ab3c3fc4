import { describe, expect, it } from 'vitest'
import { concatBytes, readStreamUpTo } from '../../../src/http/bytes.ts'

const stream = (...chunks: number[][]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(Uint8Array.from(chunk))
      controller.close()
    },
  })

describe('bytes', () => {
  it('joins chunks in order', () => {
    expect([...concatBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)])]).toEqual([
      1, 2, 3,
    ])
  })

  it('reads a stream whole within the limit', async () => {
    expect([...((await readStreamUpTo(stream([1, 2], [3]), 3)) ?? [])]).toEqual([1, 2, 3])
  })

  it('gives up past the limit', async () => {
    expect(await readStreamUpTo(stream([1, 2], [3]), 2)).toBeUndefined()
  })

  it('reads no stream as empty', async () => {
    expect((await readStreamUpTo(null, 0))?.byteLength).toBe(0)
  })
})
