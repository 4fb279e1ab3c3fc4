import { describe, expect, it } from 'vitest'
import { WorkersOrigin } from '../../edge/cloudflare/origin.ts'
import type { OriginConfig } from '../../src/config/types.ts'
import { OriginTimeoutError, OriginUnreachableError } from '../../src/platform.ts'
import { runOriginContract } from '../contract/origin.contract.ts'

const origin: OriginConfig = { url: 'http://origin.test', timeoutMs: 50 }

/**
 * The contract origin is reached through workerd's own fetch (Miniflare's outboundService,
 * workers-origin.ts). Nothing can be left unconnected or silent there, so those two origins
 * fail as workerd's fetch does: a refused connection rejects with "Network connection lost.",
 * and a fetch with no answer waits until it is aborted.
 */
runOriginContract('WorkersOrigin', {
  make: () => ({
    origin: new WorkersOrigin((input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (url.startsWith('http://down.test/'))
        return Promise.reject(new Error('Network connection lost.'))
      if (url.startsWith('http://silent.test/')) {
        return new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))
        )
      }
      return fetch(input, init)
    }),
    answering: { url: 'http://origin.test/contract', timeoutMs: 300 },
    unreachable: { url: 'http://down.test', timeoutMs: 300 },
    silent: { url: 'http://silent.test', timeoutMs: 100 },
    close: async () => {},
  }),
})

describe('WorkersOrigin', () => {
  it('asks workerd for the raw bytes and never follows redirects', async () => {
    let seen: RequestInit | undefined
    const workers = new WorkersOrigin((async (_input: RequestInfo | URL, init?: RequestInit) => {
      seen = init
      return new Response('ok')
    }) as typeof fetch)
    const response = await workers.fetch(new Request('http://origin.test/a'), origin)
    expect(await response.text()).toBe('ok')
    expect(seen).toMatchObject({ redirect: 'manual', encodeResponseBody: 'manual' })
  })

  it('turns a missing response head into OriginTimeoutError', async () => {
    const workers = new WorkersOrigin(
      ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))
        )) as typeof fetch
    )
    await expect(workers.fetch(new Request('http://origin.test/a'), origin)).rejects.toBeInstanceOf(
      OriginTimeoutError
    )
  })

  it('turns any other failure into OriginUnreachableError', async () => {
    const workers = new WorkersOrigin((async () => {
      throw new Error('Network connection lost.')
    }) as typeof fetch)
    const failure = workers.fetch(new Request('http://origin.test/a'), origin)
    await expect(failure).rejects.toBeInstanceOf(OriginUnreachableError)
    await expect(failure).rejects.toThrow(/Network connection lost/)
  })

  it('reaches a real origin through the global fetch (the test origin)', async () => {
    const response = await new WorkersOrigin().fetch(
      new Request('http://origin.test/cached/origin-test'),
      { ...origin, timeoutMs: 5000 }
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toMatch(/^\/cached\/origin-test fetch \d+$/)
  })
})
