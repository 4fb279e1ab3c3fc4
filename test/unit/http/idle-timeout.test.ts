import { describe, expect, it } from 'vitest'
import { idleTimeoutBody, type Schedule, withIdleTimeout } from '../../../src/http/idle-timeout.ts'

/** A scheduler the test fires by hand: no real time passes. */
function manualTimers() {
  const pending = new Set<() => void>()
  const schedule: Schedule = (_ms, fn) => {
    pending.add(fn)
    return () => pending.delete(fn)
  }
  return {
    schedule,
    get armed() {
      return pending.size
    },
    fire() {
      for (const fn of [...pending]) {
        pending.delete(fn)
        fn()
      }
    },
  }
}

const bytes = (text: string) => new TextEncoder().encode(text)
const idle = () => new Error('idle')

/** A source the test feeds by hand; it records a cancel. */
function source() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let cancelled: unknown = 'not cancelled'
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c
    },
    cancel: (reason) => {
      cancelled = reason
    },
  })
  return {
    stream,
    push: (text: string) => controller.enqueue(bytes(text)),
    close: () => controller.close(),
    get cancelled() {
      return cancelled
    },
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('idleTimeoutBody', () => {
  it('passes a body through unchanged and leaves no timer behind', async () => {
    const timers = manualTimers()
    const origin = source()
    origin.push('a')
    origin.push('b')
    origin.close()
    const text = await new Response(
      idleTimeoutBody(origin.stream, 100, idle, timers.schedule)
    ).text()
    expect(text).toBe('ab')
    expect(timers.armed).toBe(0)
  })

  it('errors the body and cancels the source when a read waits too long', async () => {
    const timers = manualTimers()
    const origin = source()
    origin.push('partial')
    const reader = idleTimeoutBody(origin.stream, 100, idle, timers.schedule).getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('partial')
    const next = reader.read()
    await turn()
    expect(timers.armed).toBe(1)
    timers.fire()
    await expect(next).rejects.toThrow('idle')
    await turn()
    expect(origin.cancelled).toBeInstanceOf(Error)
  })

  it('runs no timer while nobody reads (a slow client is not an idle origin)', async () => {
    const timers = manualTimers()
    const origin = source()
    origin.push('a')
    const body = idleTimeoutBody(origin.stream, 100, idle, timers.schedule)
    await turn()
    expect(timers.armed).toBe(0)
    const reader = body.getReader()
    await reader.read()
    expect(timers.armed).toBe(0)
    reader.releaseLock()
  })

  it('passes a cancel from the reader on to the source', async () => {
    const origin = source()
    const body = idleTimeoutBody(origin.stream, 100, idle, manualTimers().schedule)
    await body.cancel('client left')
    expect(origin.cancelled).toBe('client left')
  })
})

describe('withIdleTimeout', () => {
  it('keeps status and headers, and leaves bodiless responses as they are', async () => {
    const response = new Response('hello', { status: 201, headers: { 'x-a': '1' } })
    const wrapped = withIdleTimeout(response, 100, idle, manualTimers().schedule)
    expect(wrapped.status).toBe(201)
    expect(wrapped.headers.get('x-a')).toBe('1')
    expect(await wrapped.text()).toBe('hello')
    const empty = new Response(null, { status: 304 })
    expect(withIdleTimeout(empty, 100, idle)).toBe(empty)
  })
})
