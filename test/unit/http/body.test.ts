import { describe, expect, it } from 'vitest'
import { readJsonLimited, readTextLimited, readUpTo } from '../../../src/http/body.ts'
import { gatewayErrorOf } from '../../helpers/gateway-error.ts'

const encoder = new TextEncoder()

/** A POST whose body arrives in `chunks`; `cancelled` turns true if the reader gives up. */
function streamed(chunks: (string | Uint8Array)[], headers: Record<string, string> = {}) {
  const state = { cancelled: false, pulled: 0 }
  const queue = chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk))
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift()
      if (next) {
        state.pulled += 1
        controller.enqueue(next)
      } else controller.close()
    },
    cancel() {
      state.cancelled = true
    },
  })
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, headers, duplex: 'half' }
  return { request: new Request('http://gw.test/_gripgate/purge', init), state }
}

describe('readTextLimited', () => {
  it('reads an absent body as the empty string', async () => {
    expect(await readTextLimited(new Request('http://gw.test/'), 10)).toBe('')
  })

  it('reads a body exactly at the limit', async () => {
    const { request } = streamed(['12345', '67890'])
    expect(await readTextLimited(request, 10)).toBe('1234567890')
  })

  it('decodes a character split across chunks', async () => {
    const euro = encoder.encode('€')
    const { request } = streamed([euro.slice(0, 1), euro.slice(1)])
    expect(await readTextLimited(request, 10)).toBe('€')
  })

  it('refuses a declared Content-Length over the limit without reading', async () => {
    const request = new Request('http://gw.test/', {
      method: 'POST',
      body: 'x'.repeat(11),
      headers: { 'content-length': '11' },
    })
    const error = await gatewayErrorOf(readTextLimited(request, 10))
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(error.status).toBe(413)
    expect(error.message).toBe('request body exceeds 10 bytes')
    expect(error.extras).toEqual({ limit: 10 })
    expect(request.bodyUsed).toBe(false)
  })

  it('stops reading and cancels the stream once the body passes the limit', async () => {
    const { request, state } = streamed(['123456', '789012', 'never read'])
    const error = await gatewayErrorOf(readTextLimited(request, 10))
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(state.cancelled).toBe(true)
    expect(state.pulled).toBeLessThan(3)
  })
})

describe('readJsonLimited', () => {
  it('parses a JSON body', async () => {
    const { request } = streamed(['{"keys":', '["a"]}'])
    expect(await readJsonLimited(request, 100)).toEqual({ keys: ['a'] })
  })

  it.each(['{"keys": [', '', 'nope'])('answers 400 for %j', async (text) => {
    const { request } = streamed([text])
    const error = await gatewayErrorOf(readJsonLimited(request, 100))
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.status).toBe(400)
    expect(error.message).toMatch(/^body is not valid JSON: /)
  })

  it('answers 413 before trying to parse', async () => {
    const { request } = streamed(['{"a":"', 'x'.repeat(200), '"}'])
    expect((await gatewayErrorOf(readJsonLimited(request, 100))).status).toBe(413)
  })
})

describe('readUpTo', () => {
  /** An origin answer whose body arrives in `chunks`. */
  const answer = (chunks: string[]) => {
    const { request, state } = streamed(chunks)
    return { response: new Response(request.body), state }
  }
  const decode = (bytes: Uint8Array | undefined) =>
    bytes === undefined ? undefined : new TextDecoder().decode(bytes)

  it.each([
    { name: 'no body', response: () => new Response(null, { status: 204 }), limit: 4, want: '' },
    { name: 'a body under the limit', response: () => new Response('abc'), limit: 4, want: 'abc' },
    {
      name: 'several chunks up to the limit',
      response: () => answer(['ab', 'cd']).response,
      limit: 4,
      want: 'abcd',
    },
    {
      name: 'a body over the limit',
      response: () => answer(['ab', 'cd', 'e']).response,
      limit: 4,
      want: undefined,
    },
  ])('reads $name', async ({ response, limit, want }) => {
    expect(decode(await readUpTo(response(), limit))).toBe(want)
  })

  it('cancels the body once it passes the limit', async () => {
    const { response, state } = answer(['abc', 'def', 'never read'])
    expect(await readUpTo(response, 4)).toBeUndefined()
    expect(state.cancelled).toBe(true)
  })
})
