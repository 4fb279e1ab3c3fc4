/**
 * The cluster bus seam: what the gateway nodes of one cluster share (docs/cluster.md). Two
 * implementations pass test/contract/cluster-bus.contract.ts: Redis (`RedisBus`, nodes on
 * many machines) and a relay in the `--workers` primary process (`MemoryBroker`, reached
 * over IPC by `IpcBus`). Records are opaque strings here; `record-codec.ts` gives them shape.
 * @module
 */

/** One record of the ordered log, with the id the log gave it. */
export interface BusEntry {
  id: string
  data: string
}

/** What a node says about itself in each heartbeat. */
export interface NodeBeat {
  /** Unique per process start (`host:pid:random`). */
  id: string
  /** Connections this node holds (streams, long-polls, WebSockets). */
  connections: number
  /** The last log id this node applied: a purge at or before it needs no ack from it. */
  cursor: string
  /** Wall-clock ms of this beat (for the stats page only; no decision reads it). */
  at: number
}

/** Where the log ends, and which log it is. */
export interface LogPosition {
  lastId: string
  /**
   * Names this log: it changes when the log was lost (Redis restarted empty), and then a
   * node cannot know which purges it missed.
   */
  epoch: string
}

/** The log id before every record. */
export const FIRST_ID = '0-0'

/**
 * The log and the node table every node of a cluster shares. Every method rejects when the
 * bus cannot be reached (Redis down): the caller decides what that means.
 */
export interface ClusterBus {
  /** Appends to the ordered log; resolves with the new record's id once it is stored. */
  append(data: string): Promise<string>
  /**
   * The records after `after`, in log order (at most a batch). With none yet, waits up to
   * `blockMs` for one and resolves `[]` when none came.
   */
  read(after: string, blockMs: number): Promise<BusEntry[]>
  /**
   * Stores `beat` (alive for `ttlMs`), then reads the log's last id and epoch. The order
   * matters: the lease argument (docs/cluster.md) needs the id read after the beat is stored.
   */
  heartbeat(beat: NodeBeat, ttlMs: number): Promise<LogPosition>
  /** The nodes whose heartbeat has not expired. */
  nodes(): Promise<NodeBeat[]>
  /** Removes `node`'s beat at once (a clean shutdown), instead of letting it expire. */
  leave(node: string): Promise<void>
  /** Tells every node that `node` applied the log up to `id`. */
  ack(node: string, id: string): Promise<void>
  /** Hears every ack (this node's own included). */
  onAck(listener: (node: string, id: string) => void): void
  /** Whether the bus is reachable right now (a hint; calls still reject when it is not). */
  readonly up: boolean
  /** Releases connections; pending calls reject. */
  close(): Promise<void>
}

/** Orders log ids (`<ms>-<seq>`, Redis stream ids): negative, zero or positive. */
export function compareIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number)
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number)
  return aMs === bMs ? aSeq - bSeq : aMs - bMs
}
