/** The fakes other tests lean on, kept honest. */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { OriginTimeoutError, OriginUnreachableError } from '../../../src/platform.ts'
import {
  CONTRACT_MAX_OBJECT_BYTES,
  runCacheStoreContract,
  storedEntry,
} from '../../contract/cache-store.contract.ts'
import { runOriginContract } from '../../contract/origin.contract.ts'
import { runPurgerContract } from '../../contract/purger.contract.ts'
import { runWebSocketAcceptorContract } from '../../contract/ws-acceptor.contract.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { EPOCH, FakeClock } from '../../fakes/fake-clock.ts'
import { FaultyStore } from '../../fakes/faulty-store.ts'
import { MemoryOrigin } from '../../fakes/memory-origin.ts'
import { recordingPurger } from '../../fakes/recording-purger.ts'
import { contractOrigin } from '../../helpers/contract-origin.ts'
import { FakeWsAcceptor } from '../../helpers/fuzz-gateway.ts'

const CONFIG = { url: 'http://origin.test', timeoutMs: 250 }

describe('FakeClock', () => {
  it('starts at EPOCH and moves only when advanced', () => {
    const clock = new FakeClock()
    expect(clock.now()).toBe(EPOCH)
    clock.advance(1500)
    expect(clock.now()).toBe(EPOCH + 1500)
    expect(() => clock.advance(-1)).toThrow(RangeError)
  })

  it('runs scheduled work in time order as time passes it', () => {
    const clock = new FakeClock(0)
    const ran: string[] = []
    clock.schedule(200, () => ran.push(`b@${clock.now()}`))
    clock.schedule(100, () => ran.push(`a@${clock.now()}`))
    const cancel = clock.schedule(150, () => ran.push('cancelled'))
    clock.schedule(200, () => ran.push(`c@${clock.now()}`))
    cancel()
    clock.advance(99)
    expect(ran).toEqual([])
    clock.advance(200)
    expect(ran).toEqual(['a@100', 'b@200', 'c@200'])
    expect(clock.now()).toBe(299)
    expect(clock.pendingTimers).toBe(0)
  })

  it('runs work scheduled by due work within the same advance', () => {
    const clock = new FakeClock(0)
    const ran: number[] = []
    clock.schedule(10, () => clock.schedule(10, () => ran.push(clock.now())))
    clock.advance(25)
    expect(ran).toEqual([20])
  })
})

describe('MemoryOrigin', () => {
  it('records every request and answers with the handler', async () => {
    const origin = new MemoryOrigin((request) => new Response(`hi ${request.method}`))
    const response = await origin.fetch(
      new Request('http://origin.test/a', { headers: { 'x-a': '1' } }),
      CONFIG
    )
    expect(await response.text()).toBe('hi GET')
    expect(origin.count).toBe(1)
    expect(origin.last.url).toBe('http://origin.test/a')
    expect(origin.last.headers.get('x-a')).toBe('1')
    expect(origin.last.origin).toBe(CONFIG)
  })

  it('sends no body for HEAD or a 304, as a real origin', async () => {
    const origin = new MemoryOrigin(() => new Response('body', { headers: { etag: '"a"' } }))
    const head = await origin.fetch(new Request('http://origin.test/', { method: 'HEAD' }), CONFIG)
    expect(head.body).toBeNull()
    expect(head.headers.get('etag')).toBe('"a"')
  })

  it('fails like an unreachable or slow origin, still recording', async () => {
    const origin = new MemoryOrigin(() => new Response('never'))
    origin.setState('unreachable')
    await expect(origin.fetch(new Request('http://origin.test/'), CONFIG)).rejects.toBeInstanceOf(
      OriginUnreachableError
    )
    origin.setState('slow')
    await expect(origin.fetch(new Request('http://origin.test/'), CONFIG)).rejects.toThrow(
      new OriginTimeoutError('origin http://origin.test did not answer within 250 ms')
    )
    expect(origin.count).toBe(2)
  })
})

describe('CaptureLogger', () => {
  it('keeps records by level', () => {
    const logger = new CaptureLogger()
    logger.info('a')
    logger.warn('b', { n: 1 })
    expect(logger.records).toEqual([
      { level: 'info', msg: 'a' },
      { level: 'warn', msg: 'b', fields: { n: 1 } },
    ])
    expect(logger.messages('warn')).toEqual(['b'])
  })
})

runCacheStoreContract(
  'FaultyStore, healthy',
  () => new FaultyStore({ maxBytes: 4 * 1024 * 1024, maxObjectBytes: CONTRACT_MAX_OBJECT_BYTES })
)

describe('FaultyStore', () => {
  it('refuses every put once failPuts is set, and keeps nothing', async () => {
    const store = new FaultyStore({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 })
    store.failPuts = true
    await expect(store.put(storedEntry())).rejects.toThrow('store unavailable')
    expect(store.refusedPuts).toBe(1)
    expect(await store.lookup('gw.test/a', EPOCH)).toEqual([])
  })
})

runPurgerContract('RecordingPurger', {
  softPurges: true,
  make: () => {
    const failing: Record<string, string> = {}
    const log: string[] = []
    return {
      purger: recordingPurger(failing, log),
      refuse: (key) => {
        failing[key] = 'refused'
      },
      reached: () => log.map((line) => line.replace(/^purge (\S+).*$/, '$1')),
    }
  },
})

runOriginContract('MemoryOrigin', {
  make: () => {
    // One fake per origin the suite reaches, each in the state that origin is in.
    const answering = new MemoryOrigin(contractOrigin)
    const unreachable = new MemoryOrigin(contractOrigin)
    unreachable.setState('unreachable')
    const silent = new MemoryOrigin(contractOrigin)
    silent.setState('slow')
    const byUrl = new Map([
      ['http://up.test', answering],
      ['http://down.test', unreachable],
      ['http://silent.test', silent],
    ])
    return {
      origin: { fetch: (request, config) => byUrl.get(config.url)!.fetch(request, config) },
      answering: { url: 'http://up.test', timeoutMs: 300 },
      unreachable: { url: 'http://down.test', timeoutMs: 300 },
      silent: { url: 'http://silent.test', timeoutMs: 100 },
      close: async () => {},
    }
  },
})

runWebSocketAcceptorContract('FakeWsAcceptor', {
  make: () => {
    const acceptor = new FakeWsAcceptor()
    return {
      async connect(headers, handler) {
        const app = new Hono().get('*', (c) => acceptor.accept(c, headers, handler))
        const answer = await app.fetch(new Request('http://gw.test/ws'))
        const socket = acceptor.sockets.at(-1)!
        return {
          upgradeHeaders: Object.fromEntries(answer.headers),
          send: (data) =>
            typeof data === 'string'
              ? socket.clientSend(new TextEncoder().encode(data), 'text')
              : socket.clientSend(data, 'binary'),
          close: (code, reason) => socket.clientClose(code, true, reason),
          async message(count) {
            const data = socket.sent[count - 1]
            if (data === undefined) throw new Error(`no message ${count}`)
            return { data, binary: typeof data !== 'string' }
          },
          async closed() {
            const closed = socket.closedWith
            if (closed?.code === undefined) throw new Error('not closed with a code')
            return { code: closed.code, reason: closed.reason }
          },
        }
      },
      close: async () => {},
    }
  },
})
