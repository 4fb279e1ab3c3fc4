/**
 * The `Origin` contract (src/platform.ts): every implementation (Node's, Workers', the
 * MemoryOrigin fake) runs this suite from its own test file, in its own vitest project,
 * against the contract origin of test/helpers/contract-origin.ts. Never run directly: the
 * name does not match vitest's include pattern.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OriginConfig } from '../../src/config/types.ts'
import { type Origin, OriginTimeoutError, OriginUnreachableError } from '../../src/platform.ts'
import { CONTRACT_BYTES, LATE_BODY_MS } from '../helpers/contract-origin.ts'

/** One origin implementation and the three origins it is asked to reach. */
export interface OriginUnderTest {
  origin: Origin
  /** The contract origin; its `timeoutMs` well under `LATE_BODY_MS`, yet ample for a head. */
  answering: OriginConfig
  /** An origin no connection can be made to. */
  unreachable: OriginConfig
  /** An origin that takes the request and never answers; its `timeoutMs` short. */
  silent: OriginConfig
  /** Stops whatever `make` started. */
  close(): Promise<void>
}

/** How the suite builds what it tests. */
export interface OriginContractOptions {
  make: () => OriginUnderTest | Promise<OriginUnderTest>
}

/** Runs the shared `Origin` contract against origins built by `make`. */
export function runOriginContract(name: string, options: OriginContractOptions): void {
  describe(`Origin contract: ${name}`, () => {
    let under: OriginUnderTest
    beforeEach(async () => {
      under = await options.make()
    })
    afterEach(() => under.close())

    const fetchFrom = (config: OriginConfig, path: string, init?: RequestInit) =>
      under.origin.fetch(new Request(`${config.url}${path}`, init), config)

    it('passes a coded body on as it is: the bytes and Content-Encoding unchanged', async () => {
      const response = await fetchFrom(under.answering, '/bytes')
      expect(response.status).toBe(200)
      expect(response.headers.get('content-encoding')).toBe('gzip')
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(CONTRACT_BYTES)
    })

    it("sends the request's method and body", async () => {
      const response = await fetchFrom(under.answering, '/echo', {
        method: 'PUT',
        body: 'payload',
      })
      expect(response.headers.get('x-method')).toBe('PUT')
      expect(await response.text()).toBe('payload')
    })

    it('answers HEAD and a 204 without a body', async () => {
      const head = await fetchFrom(under.answering, '/bytes', { method: 'HEAD' })
      expect([head.status, head.body]).toEqual([200, null])
      const empty = await fetchFrom(under.answering, '/empty')
      expect([empty.status, empty.body]).toEqual([204, null])
    })

    it('rejects with OriginUnreachableError when no connection can be made', async () => {
      await expect(fetchFrom(under.unreachable, '/bytes')).rejects.toBeInstanceOf(
        OriginUnreachableError
      )
    })

    it('rejects with OriginTimeoutError when no response head arrives in timeoutMs', async () => {
      await expect(fetchFrom(under.silent, '/bytes')).rejects.toBeInstanceOf(OriginTimeoutError)
    })

    it('limits the response head only: a body may take longer than timeoutMs', async () => {
      expect(under.answering.timeoutMs).toBeLessThan(LATE_BODY_MS)
      const response = await fetchFrom(under.answering, '/late-body')
      expect(await response.text()).toBe('late')
    })
  })
}
