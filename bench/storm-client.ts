/**
 * The reconnect storm's SSE subscribers (bench/storm.ts): raw `net` sockets, each sending its
 * `Last-Event-ID` on reconnect and counting every `data: <seq>` it receives, so losses and
 * duplicates are exact. At most `CONCURRENT_OPENS` connects are in flight.
 * @module
 */
import net from 'node:net'

/**
 * Connects in flight at once, as in the fan-out bench (load.ts). With 1,000 the same 10,000
 * reconnects took twice as long on the 2-core bench box: opens queue in the server's accept
 * backlog and the generator shares the cores, so the figure measured the queue, not the server.
 */
export const CONCURRENT_OPENS = 200
const RETRIES = 3
const READY = ': open'
const DATA = 'data: '

/** One subscriber across its connections. */
export class StormSubscriber {
  /** Receipts per seq (index = seq). */
  readonly counts: Uint16Array
  lastSeq = 0
  socket: net.Socket | undefined
  /** hrtime ns when every seq in the watched range had arrived. */
  caughtUpAt: bigint | undefined
  #watch: [number, number] | undefined
  #missing = 0

  constructor(
    readonly channel: string,
    maxSeq: number
  ) {
    this.counts = new Uint16Array(maxSeq + 1)
  }

  /** Starts timing the arrival of every seq in `from..to`. */
  watch(from: number, to: number): void {
    this.#watch = [from, to]
    this.#missing = 0
    for (let s = from; s <= to; s++) if (this.counts[s] === 0) this.#missing += 1
    this.caughtUpAt = this.#missing === 0 ? process.hrtime.bigint() : undefined
  }

  receive(seq: number): void {
    if (seq >= this.counts.length) return
    this.counts[seq]! += 1
    if (seq > this.lastSeq) this.lastSeq = seq
    const w = this.#watch
    if (w && this.counts[seq] === 1 && seq >= w[0] && seq <= w[1] && --this.#missing === 0)
      this.caughtUpAt = process.hrtime.bigint()
  }

  /** Seqs in `from..to` never received, and receipts beyond the first. */
  tally(from: number, to: number): { lost: number; duplicates: number } {
    let lost = 0
    let duplicates = 0
    for (let s = from; s <= to; s++) {
      const c = this.counts[s]!
      if (c === 0) lost += 1
      else duplicates += c - 1
    }
    return { lost, duplicates }
  }
}

/** Opens one connection for `sub`; resolves once the hold's initial body arrived. */
function open(port: number, path: string, sub: StormSubscriber, lastEventId?: number) {
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    sub.socket = socket
    let ready = false
    let carry = ''
    const head = lastEventId === undefined ? '' : `Last-Event-ID: ${lastEventId}\r\n`
    socket.setNoDelay(true)
    socket.on('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n${head}\r\n`
      )
    )
    let first = true
    socket.on('data', (chunk: Buffer) => {
      const text = carry + chunk.toString('latin1')
      if (first) {
        first = false
        // Anything but 200 is a failed open (a proxy overwhelmed by the storm answers 502).
        if (!text.startsWith('HTTP/1.1 200')) {
          socket.destroy()
          return
        }
      }
      if (!ready) {
        if (!text.includes(READY)) {
          carry = text.slice(-64)
          return
        }
        ready = true
        resolve()
      }
      // Only complete lines are read; the rest waits for the next chunk.
      const end = text.lastIndexOf('\n')
      for (let at = text.indexOf(DATA); at !== -1 && at < end; at = text.indexOf(DATA, at + 1)) {
        const seq = Number.parseInt(text.slice(at + DATA.length, text.indexOf('\n', at)), 10)
        if (Number.isFinite(seq)) sub.receive(seq)
      }
      carry = text.slice(end + 1)
    })
    socket.on('error', (error) => (ready ? undefined : reject(error)))
    socket.on('close', () => (ready ? undefined : reject(new Error('closed before ready'))))
  })
}

/**
 * Opens every subscriber (retrying a failed open up to `RETRIES` times); `lastEventId` sends
 * each one's last seq. Resolves with the number of subscribers that could not be opened.
 */
export async function openAll(
  port: number,
  pathOf: (sub: StormSubscriber) => string,
  subs: readonly StormSubscriber[],
  lastEventId: boolean
): Promise<number> {
  let next = 0
  let failed = 0
  const worker = async () => {
    while (next < subs.length) {
      const sub = subs[next++]!
      for (let attempt = 0; ; attempt++) {
        try {
          await open(port, pathOf(sub), sub, lastEventId ? sub.lastSeq : undefined)
          break
        } catch {
          sub.socket?.destroy()
          if (attempt >= RETRIES) {
            failed += 1
            break
          }
          await new Promise((r) => setTimeout(r, 200))
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_OPENS, subs.length) }, worker))
  return failed
}
