import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { withReplyDeadline } from '../../../../edge/node/cluster/reply-deadline.ts'

/** Keeps the event loop busy for `ms`, as a starved or busy process is. */
function block(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) {
    // busy
  }
}

/** The usual deadline: a timer that rejects as soon as it fires. */
function naiveDeadline<T>(op: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    op,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms)),
  ])
}

describe('withReplyDeadline', () => {
  const closers: Array<() => void> = []
  afterEach(() => {
    for (const close of closers.splice(0)) close()
  })

  /**
   * Sends a request to an echo server and, once the server has written its reply (so it
   * waits, unread, in the client's socket), keeps the event loop busy for `blockMs`: the
   * timeline of a reply that came in time to a process that was off the CPU.
   */
  async function replyWaitingWhileBusy<T>(
    guard: (reply: Promise<string>) => Promise<T>,
    blockMs: number
  ): Promise<{ guarded: Promise<T> }> {
    let replied: () => void = () => {}
    const written = new Promise<void>((resolve) => {
      replied = resolve
    })
    const server = net.createServer((socket) => {
      socket.on('error', () => {})
      socket.on('data', (d) => {
        socket.write(d)
        replied()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as net.AddressInfo
    const client = net.connect(port, '127.0.0.1')
    await new Promise<void>((resolve) => client.once('connect', resolve))
    closers.push(() => {
      client.destroy()
      server.close()
    })
    const reply = new Promise<string>((resolve) => client.once('data', (d) => resolve(`${d}`)))
    client.write('PING')
    const guarded = guard(reply)
    guarded.catch(() => {})
    // Runs as a microtask right after the server's write, before the client can read it.
    await written
    block(blockMs)
    return { guarded }
  }

  it('resolves when the reply arrived in time but the loop was busy past the deadline', async () => {
    const { guarded } = await replyWaitingWhileBusy((r) => withReplyDeadline(r, 50, 'late'), 150)
    await expect(guarded).resolves.toBe('PING')
  })

  it('a plain timer fails the same request (what the deadline guards against)', async () => {
    const { guarded } = await replyWaitingWhileBusy((r) => naiveDeadline(r, 50), 150)
    await expect(guarded).rejects.toThrow('timed out')
  })

  it('rejects with the message when no reply comes', async () => {
    const never = new Promise<string>(() => {})
    await expect(withReplyDeadline(never, 30, 'Redis did not answer XADD in time')).rejects.toThrow(
      'Redis did not answer XADD in time'
    )
  })

  it('passes a rejection through', async () => {
    await expect(withReplyDeadline(Promise.reject(new Error('down')), 30, 'late')).rejects.toThrow(
      'down'
    )
  })
})
