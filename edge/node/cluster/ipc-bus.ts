/**
 * The cluster bus over IPC, for `gripgate serve --workers N` without Redis: the primary
 * process keeps a `MemoryBroker` and answers each worker's calls (`serveBusOverIpc`); a
 * worker's `IpcBus` sends them. A worker's channel is its `process` (`process.send`), the
 * primary's is the `cluster.Worker`; tests pass an in-memory pair.
 * @module
 */
import type { BusEntry, ClusterBus, LogPosition, NodeBeat } from './bus.ts'
import type { MemoryBroker } from './memory-broker.ts'

/** One end of an IPC link: what `process` and `cluster.Worker` both offer. */
export interface IpcChannel {
  send(message: unknown): unknown
  on(event: 'message', listener: (message: unknown) => void): unknown
  off(event: 'message', listener: (message: unknown) => void): unknown
}

type Op = 'append' | 'read' | 'heartbeat' | 'nodes' | 'leave' | 'ack'

/** Messages carry this tag so other IPC traffic on the same channel is left alone. */
const TAG = 'gripgate-bus'

interface CallMessage {
  tag: typeof TAG
  call: number
  op: Op
  args: unknown[]
}
interface ReplyMessage {
  tag: typeof TAG
  reply: number
  value?: unknown
  error?: string
}
interface AckMessage {
  tag: typeof TAG
  ackNode: string
  ackId: string
}

const isOurs = (message: unknown): message is Record<string, unknown> =>
  typeof message === 'object' && message !== null && (message as { tag?: unknown }).tag === TAG

/** Serves `broker` to one worker over `channel`; returns a function that stops serving. */
export function serveBusOverIpc(broker: MemoryBroker, channel: IpcChannel): () => void {
  const send = (message: ReplyMessage | AckMessage) => {
    try {
      channel.send(message)
    } catch {
      // The worker is gone; its heartbeat expires by itself.
    }
  }
  const unlisten = broker.onAck((ackNode, ackId) => send({ tag: TAG, ackNode, ackId }))
  const onMessage = (message: unknown) => {
    if (!isOurs(message) || typeof message.call !== 'number') return
    const { call, op, args } = message as unknown as CallMessage
    const run = async (): Promise<unknown> => {
      switch (op) {
        case 'append':
          return broker.append(String(args[0]))
        case 'read':
          return broker.read(String(args[0]), Number(args[1]))
        case 'heartbeat':
          return broker.heartbeat(args[0] as NodeBeat, Number(args[1]))
        case 'nodes':
          return broker.nodes()
        case 'leave':
          return broker.leave(String(args[0]))
        case 'ack':
          return broker.ack(String(args[0]), String(args[1]))
      }
    }
    run().then(
      (value) => send({ tag: TAG, reply: call, value }),
      (error: unknown) => send({ tag: TAG, reply: call, error: String(error) })
    )
  }
  channel.on('message', onMessage)
  return () => {
    unlisten()
    channel.off('message', onMessage)
  }
}

/** A worker's bus: every call is a message to the primary's broker. */
export class IpcBus implements ClusterBus {
  readonly #channel: IpcChannel
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  readonly #listeners: Array<(node: string, id: string) => void> = []
  #next = 0
  #closed = false
  readonly #onMessage = (message: unknown) => {
    if (!isOurs(message)) return
    if (typeof message.reply === 'number') {
      const { reply, value, error } = message as unknown as ReplyMessage
      const pending = this.#pending.get(reply)
      this.#pending.delete(reply)
      if (error !== undefined) pending?.reject(new Error(error))
      else pending?.resolve(value)
    } else if (typeof message.ackNode === 'string' && typeof message.ackId === 'string') {
      for (const listener of this.#listeners) listener(message.ackNode, message.ackId)
    }
  }

  constructor(channel: IpcChannel) {
    this.#channel = channel
    channel.on('message', this.#onMessage)
  }

  get up(): boolean {
    return !this.#closed
  }

  #call<T>(op: Op, ...args: unknown[]): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the cluster bus is closed'))
    const call = ++this.#next
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(call, { resolve: resolve as (v: unknown) => void, reject })
      try {
        this.#channel.send({ tag: TAG, call, op, args } satisfies CallMessage)
      } catch (error) {
        this.#pending.delete(call)
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  }

  append(data: string): Promise<string> {
    return this.#call('append', data)
  }

  read(after: string, blockMs: number): Promise<BusEntry[]> {
    return this.#call('read', after, blockMs)
  }

  heartbeat(beat: NodeBeat, ttlMs: number): Promise<LogPosition> {
    return this.#call('heartbeat', beat, ttlMs)
  }

  nodes(): Promise<NodeBeat[]> {
    return this.#call('nodes')
  }

  leave(node: string): Promise<void> {
    return this.#call('leave', node)
  }

  ack(node: string, id: string): Promise<void> {
    return this.#call('ack', node, id)
  }

  onAck(listener: (node: string, id: string) => void): void {
    this.#listeners.push(listener)
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#channel.off('message', this.#onMessage)
    for (const pending of this.#pending.values())
      pending.reject(new Error('the cluster bus is closed'))
    this.#pending.clear()
  }
}
