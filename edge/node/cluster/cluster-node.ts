/**
 * One gateway node of a cluster (docs/cluster.md): it applies the shared log in order
 * (purges to its own cache, publishes to its own hub), acknowledges purges, beats, keeps
 * its cache lease (lease.ts), and issues purges and publishes for this node's clients.
 * @module
 */
import type { Logger } from '../../../src/platform.ts'
import { type ClusterBus, compareIds, FIRST_ID, type NodeBeat } from './bus.ts'
import type { Lease } from './lease.ts'
import { type ClusterRecord, decodeRecord, encodeRecord } from './record-codec.ts'

/** Timings of the cluster protocol (config `cluster.*Ms`). */
export interface ClusterTiming {
  /** Beat (and lease check) interval. */
  heartbeatMs: number
  /** Lease length `L`; also how long a beat keeps a node live. */
  leaseMs: number
  /** How long a purge waits for every live node's ack before falling back on leases. */
  ackTimeoutMs: number
}

export interface ClusterNodeDeps {
  bus: ClusterBus
  id: string
  timing: ClusterTiming
  logger: Logger
  lease: Lease
  /** Monotonic ms (`performance.now`). */
  now: () => number
  /** Applies a record to this node (its cache, its hub). */
  apply(record: ClusterRecord): Promise<void>
  /** Connections this node holds, for its beat. */
  connections(): number
}

/** What a purge issued through the cluster came to. */
export interface IssuedPurge {
  id: string
  /** Live nodes that did not acknowledge in time (their leases were waited out). */
  unacknowledged: string[]
}

/** How long one blocking read waits before it is issued again. */
const READ_BLOCK_MS = 1000
/** Pause after a failed read or beat before the next one. */
const RETRY_MS = 200

/** The lease wait's margin over `L`: timer lateness and clock-rate drift between machines. */
export function leaseMargin(leaseMs: number): number {
  return 50 + Math.ceil(leaseMs / 100)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

export class ClusterNode {
  readonly id: string
  readonly #deps: ClusterNodeDeps
  /** The last log id applied here; undefined until the first beat told where the log ends. */
  #cursor: string | undefined
  readonly #acked = new Map<string, string>()
  readonly #ackWaiters = new Set<() => void>()
  /** A lease check that found records not yet applied: renewed once they are. */
  #pendingRenew: { startedAt: number; lastId: string } | undefined
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #lastBeatOk = false
  /** The log's epoch when this node took its position in it. */
  #epoch: string | undefined
  readonly #started: Promise<void>
  #markStarted: () => void = () => {}

  constructor(deps: ClusterNodeDeps) {
    this.id = deps.id
    this.#deps = deps
    this.#started = new Promise((resolve) => {
      this.#markStarted = resolve
    })
    deps.bus.onAck((node, id) => this.#heardAck(node, id))
  }

  /** The last log id applied here. */
  get cursor(): string | undefined {
    return this.#cursor
  }

  /** Whether the last beat reached the bus. */
  get connected(): boolean {
    return this.#lastBeatOk && this.#deps.bus.up
  }

  /** Starts beating and reading; resolves after the first beat, or after `waitMs`. */
  async start(waitMs: number): Promise<void> {
    void this.#tick()
    await Promise.race([this.#started, sleep(waitMs)])
  }

  /** Stops beating and reading, and leaves the cluster. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#deps.lease.lapse()
    await this.#deps.bus.leave(this.id).catch(() => {})
    // A read blocked on the bus ends with it (or at its block timeout); not waited for.
    await this.#deps.bus.close()
  }

  /**
   * Appends a purge to the log and waits until every live node applied it, or until the
   * leases of those that did not ack have ended. Rejects when the bus is unreachable.
   */
  async issuePurge(keys: string[], soft: boolean): Promise<IssuedPurge> {
    const { bus, timing, now } = this.#deps
    const id = await bus.append(encodeRecord({ kind: 'purge', keys, soft }))
    // Measured from when the record is stored: a lease check that began later sees it.
    const storedAt = now()
    const live = await bus.nodes()
    const waiting = new Set(
      live.filter((node) => compareIds(node.cursor, id) < 0).map((node) => node.id)
    )
    const ackDeadline = storedAt + timing.ackTimeoutMs
    while (this.#unacked(waiting, id) && now() < ackDeadline) {
      await this.#nextAck(ackDeadline - now())
    }
    const unacknowledged = [...waiting]
    if (unacknowledged.length > 0) {
      this.#deps.logger.warn('cluster: purge not acknowledged in time; waiting out leases', {
        nodes: unacknowledged,
        id,
      })
      const leaseEnd = storedAt + timing.leaseMs + leaseMargin(timing.leaseMs)
      if (leaseEnd > now()) await sleep(leaseEnd - now())
    }
    return { id, unacknowledged }
  }

  /** Appends items to the log; every node's hub delivers them in log order. */
  async issuePublish(record: ClusterRecord): Promise<string> {
    return this.#deps.bus.append(encodeRecord(record))
  }

  /** This node and the live nodes, for the stats page. */
  async snapshot(): Promise<Record<string, unknown>> {
    const nodes = await this.#deps.bus.nodes().catch(() => undefined)
    return {
      node: this.id,
      connected: this.connected,
      cacheLease: this.#deps.lease.valid() ? 'valid' : 'fenced',
      cursor: this.#cursor ?? null,
      nodes:
        nodes
          ?.sort((a, b) => a.id.localeCompare(b.id))
          .map((node) => ({
            id: node.id,
            connections: node.connections,
            lastHeartbeat: new Date(node.at).toISOString(),
            cursor: node.cursor,
          })) ?? null,
    }
  }

  /** Removes acked nodes from `waiting`; true while some remain. */
  #unacked(waiting: Set<string>, id: string): boolean {
    for (const node of waiting) {
      const acked = this.#acked.get(node)
      if (acked !== undefined && compareIds(acked, id) >= 0) waiting.delete(node)
    }
    return waiting.size > 0
  }

  #nextAck(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#ackWaiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, timeoutMs))
      this.#ackWaiters.add(done)
    })
  }

  #heardAck(node: string, id: string): void {
    const known = this.#acked.get(node)
    if (known !== undefined && compareIds(known, id) >= 0) return
    this.#acked.set(node, id)
    for (const wake of [...this.#ackWaiters]) wake()
  }

  #acknowledge(id: string): void {
    this.#heardAck(this.id, id)
    this.#deps.bus.ack(this.id, id).catch(() => {
      // The beat carries the cursor too; a publisher also falls back on the lease.
    })
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return
    const { bus, timing, now, lease } = this.#deps
    const startedAt = now()
    const beat: NodeBeat = {
      id: this.id,
      connections: this.#deps.connections(),
      cursor: this.#cursor ?? '0-0',
      at: Date.now(),
    }
    try {
      const { lastId, epoch } = await bus.heartbeat(beat, timing.leaseMs)
      this.#lastBeatOk = true
      if (this.#epoch !== undefined && epoch !== this.#epoch) {
        // The log was lost (Redis restarted empty): purges this node had not applied yet are
        // gone with it, so its cache is dropped (the lapsed lease resets it on renewal). Every
        // record of the new log is new to this node: a restarted Redis numbers them after the
        // old ones (ids are times), so reading on from the cursor misses none; only a log
        // numbered below the cursor is read from its start.
        this.#deps.logger.warn("cluster: the log was reset; dropping this node's cache", {})
        lease.lapse()
        this.#pendingRenew = undefined
        if (this.#cursor !== undefined && compareIds(this.#cursor, lastId) > 0) {
          this.#cursor = FIRST_ID
        }
      }
      this.#epoch = epoch
      if (this.#cursor === undefined) {
        // A new node starts at the end of the log with an empty cache: nothing before
        // `lastId` concerns it, and its ack says so to any purge waiting on it.
        this.#cursor = lastId
        this.#acknowledge(lastId)
        void this.#readLoop()
        this.#markStarted()
      }
      if (compareIds(this.#cursor, lastId) >= 0) lease.renew(startedAt + timing.leaseMs)
      else this.#pendingRenew = { startedAt, lastId }
    } catch (error) {
      if (this.#lastBeatOk) {
        this.#deps.logger.warn('cluster: heartbeat failed', { error: String(error) })
      }
      this.#lastBeatOk = false
    }
    if (this.#stopped) return
    this.#timer = setTimeout(() => void this.#tick(), timing.heartbeatMs)
    this.#timer.unref()
  }

  async #readLoop(): Promise<void> {
    const { bus, apply, lease, timing, logger } = this.#deps
    while (!this.#stopped) {
      let entries: Awaited<ReturnType<ClusterBus['read']>>
      try {
        entries = await bus.read(this.#cursor as string, READ_BLOCK_MS)
      } catch {
        if (!this.#stopped) await sleep(RETRY_MS)
        continue
      }
      for (const entry of entries) {
        const record = decodeRecord(entry.data)
        if (record) {
          try {
            await apply(record)
          } catch (error) {
            // A purge this node could not apply: its cache can no longer be vouched for.
            if (record.kind === 'purge') lease.lapse()
            logger.error('cluster: applying a record failed', {
              id: entry.id,
              error: String(error),
            })
          }
        }
        this.#cursor = entry.id
        if (record?.kind === 'purge') this.#acknowledge(entry.id)
      }
      const pending = this.#pendingRenew
      if (pending && this.#cursor !== undefined && compareIds(this.#cursor, pending.lastId) >= 0) {
        this.#pendingRenew = undefined
        lease.renew(pending.startedAt + timing.leaseMs)
      }
    }
  }
}
