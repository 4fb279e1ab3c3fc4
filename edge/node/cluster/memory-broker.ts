/**
 * The cluster bus kept in one process: the `--workers` primary runs one for its workers
 * (ipc-relay.ts) when no Redis is configured, and tests use it directly. Same semantics as
 * the Redis bus: an ordered, bounded log; heartbeats that expire; acks to every node.
 * @module
 */
import { randomUUID } from 'node:crypto'
import {
  type BusEntry,
  type ClusterBus,
  compareIds,
  FIRST_ID,
  type LogPosition,
  type NodeBeat,
} from './bus.ts'

/** Records kept (Redis: `MAXLEN ~`); a node further behind than this starts over fenced. */
export const LOG_MAX_LENGTH = 100_000
/** Records one read returns at most. */
export const READ_BATCH = 500

interface Waiter {
  wake(): void
}

/** The shared state: one per cluster. */
export class MemoryBroker {
  readonly #log: BusEntry[] = []
  #seq = 0
  readonly #waiters = new Set<Waiter>()
  readonly #nodes = new Map<string, { beat: NodeBeat; expiresAt: number }>()
  readonly #ackListeners = new Set<(node: string, id: string) => void>()
  readonly #now: () => number
  readonly #epoch = randomUUID()

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  append(data: string): string {
    this.#seq += 1
    const id = `0-${this.#seq}`
    this.#log.push({ id, data })
    if (this.#log.length > LOG_MAX_LENGTH) this.#log.splice(0, this.#log.length - LOG_MAX_LENGTH)
    for (const waiter of [...this.#waiters]) waiter.wake()
    return id
  }

  /** Entries after `after`, without waiting. */
  after(after: string): BusEntry[] {
    // Ids are `0-<seq>` and the log is contiguous: find the first one past `after`.
    let low = 0
    let high = this.#log.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (compareIds((this.#log[mid] as BusEntry).id, after) <= 0) low = mid + 1
      else high = mid
    }
    return this.#log.slice(low, low + READ_BATCH)
  }

  read(after: string, blockMs: number): Promise<BusEntry[]> {
    const ready = this.after(after)
    if (ready.length > 0 || blockMs <= 0) return Promise.resolve(ready)
    return new Promise((resolve) => {
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(timer)
          this.#waiters.delete(waiter)
          resolve(this.after(after))
        },
      }
      const timer = setTimeout(waiter.wake, blockMs)
      this.#waiters.add(waiter)
    })
  }

  lastId(): string {
    return this.#log.at(-1)?.id ?? (this.#seq === 0 ? FIRST_ID : `0-${this.#seq}`)
  }

  heartbeat(beat: NodeBeat, ttlMs: number): LogPosition {
    this.#nodes.set(beat.id, { beat, expiresAt: this.#now() + ttlMs })
    return { lastId: this.lastId(), epoch: this.#epoch }
  }

  nodes(): NodeBeat[] {
    const now = this.#now()
    const live: NodeBeat[] = []
    for (const [id, node] of this.#nodes) {
      if (node.expiresAt <= now) this.#nodes.delete(id)
      else live.push(node.beat)
    }
    return live
  }

  leave(node: string): void {
    this.#nodes.delete(node)
  }

  ack(node: string, id: string): void {
    for (const listener of this.#ackListeners) listener(node, id)
  }

  onAck(listener: (node: string, id: string) => void): () => void {
    this.#ackListeners.add(listener)
    return () => this.#ackListeners.delete(listener)
  }

  /** Ends every blocked read (shutdown). */
  close(): void {
    for (const waiter of [...this.#waiters]) waiter.wake()
  }
}

/** A node's view of a `MemoryBroker` in the same process. */
export class MemoryBus implements ClusterBus {
  readonly #broker: MemoryBroker
  readonly #unlisten: Array<() => void> = []
  #closed = false

  constructor(broker: MemoryBroker) {
    this.#broker = broker
  }

  get up(): boolean {
    return !this.#closed
  }

  #check(): void {
    if (this.#closed) throw new Error('the cluster bus is closed')
  }

  async append(data: string): Promise<string> {
    this.#check()
    return this.#broker.append(data)
  }

  async read(after: string, blockMs: number): Promise<BusEntry[]> {
    this.#check()
    return this.#broker.read(after, blockMs)
  }

  async heartbeat(beat: NodeBeat, ttlMs: number): Promise<LogPosition> {
    this.#check()
    return this.#broker.heartbeat(beat, ttlMs)
  }

  async nodes(): Promise<NodeBeat[]> {
    this.#check()
    return this.#broker.nodes()
  }

  async leave(node: string): Promise<void> {
    this.#check()
    this.#broker.leave(node)
  }

  async ack(node: string, id: string): Promise<void> {
    this.#check()
    this.#broker.ack(node, id)
  }

  onAck(listener: (node: string, id: string) => void): void {
    this.#unlisten.push(this.#broker.onAck(listener))
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const unlisten of this.#unlisten) unlisten()
  }
}
