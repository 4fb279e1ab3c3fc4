import { describe, expect, it } from 'vitest'
import { bufferForReplay } from '../../../src/proxy/replay-body.ts'

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array | null | undefined) =>
  bytes === null || bytes === undefined ? bytes : new TextDecoder().decode(bytes)

/** A body stream that yields `parts` one chunk each, and records whether it was cancelled. */
function chunked(parts: string[]) {
  const state = { cancelled: false }
  let index = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[index++]
      if (part === undefined) controller.close()
      else controller.enqueue(encode(part))
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { stream, state }
}

const post = (body: BodyInit | null) =>
  new Request('http://gw.test/up', {
    method: 'POST',
    headers: { 'x-client': 'yes' },
    body,
    duplex: 'half',
  } as RequestInit)

describe('bufferForReplay', () => {
  it.each([
    { name: 'a GET', request: () => new Request('http://gw.test/x') },
    { name: 'a HEAD', request: () => new Request('http://gw.test/x', { method: 'HEAD' }) },
    { name: 'a POST without a body', request: () => post(null) },
  ])('keeps $name as it is, with a null body', async ({ request }) => {
    const original = request()
    const kept = await bufferForReplay(original, 10)
    expect(kept.body).toBeNull()
    expect(kept.request).toBe(original)
  })

  it.each([
    { name: 'one chunk', parts: ['hello'], limit: 10 },
    { name: 'several chunks', parts: ['he', 'll', 'o'], limit: 10 },
    { name: 'exactly the limit', parts: ['hel', 'lo'], limit: 5 },
  ])('buffers a body of $name and sends the same bytes on', async ({ parts, limit }) => {
    const kept = await bufferForReplay(post(chunked(parts).stream), limit)
    expect(decode(kept.body)).toBe('hello')
    expect(kept.request.method).toBe('POST')
    expect(kept.request.headers.get('x-client')).toBe('yes')
    expect(await kept.request.text()).toBe('hello')
  })

  it('gives up keeping a body over the limit, yet still sends all of it once', async () => {
    const kept = await bufferForReplay(post(chunked(['abc', 'def', 'ghi', 'jkl']).stream), 5)
    expect(kept.body).toBeUndefined()
    expect(kept.request.method).toBe('POST')
    expect(kept.request.headers.get('x-client')).toBe('yes')
    expect(await kept.request.text()).toBe('abcdefghijkl')
  })

  it('passes a cancel of the streamed rest on to the client body', async () => {
    const source = chunked(['abc', 'def', 'ghi'])
    const kept = await bufferForReplay(post(source.stream), 2)
    await kept.request.body?.cancel()
    expect(source.state.cancelled).toBe(true)
  })
})
