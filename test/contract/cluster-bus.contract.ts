/**
 * The `ClusterBus` contract (edge/node/cluster/bus.ts): Redis, the in-process broker and the
 * `--workers` IPC relay run this suite from test/integration/cluster-bus.test.ts. Never run
 * directly: the name does not match vitest's include pattern.
 * @module
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  type ClusterBus,
  compareIds,
  FIRST_ID,
  type NodeBeat,
} from '../../edge/node/cluster/bus.ts'

/** One shared backend: every bus it connects sees the same log and node table. */
export interface BusBackend {
  connect(): ClusterBus
  close(): Promise<void>
}

export interface ClusterBusContractOptions {
  /** A new, empty backend (or undefined with the reason it cannot run here). */
  open: () => Promise<BusBackend>
  skip?: string
}

const beat = (id: string, cursor = FIRST_ID): NodeBeat => ({ id, connections: 0, cursor, at: 1 })

/** Polls `check` every 20 ms for up to 5 s. */
async function eventually(check: () => Promise<boolean> | boolean): Promise<boolean> {
  for (let i = 0; i < 250; i++) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return false
}

/** Runs the shared `ClusterBus` contract against backends built by `open`. */
export function runClusterBusContract(name: string, options: ClusterBusContractOptions): void {
  describe.skipIf(options.skip !== undefined)(`ClusterBus contract: ${name}`, () => {
    let backend: BusBackend | undefined
    const buses: ClusterBus[] = []
    const connect = async (count: number) => {
      backend ??= await options.open()
      const opened = Array.from({ length: count }, () => (backend as BusBackend).connect())
      buses.push(...opened)
      // A bus may still be connecting: a beat answers once it is up.
      for (const bus of opened) {
        expect(
          await eventually(() =>
            bus.heartbeat(beat('probe'), 1).then(
              () => true,
              () => false
            )
          )
        ).toBe(true)
      }
      return opened
    }
    afterEach(async () => {
      for (const bus of buses.splice(0)) await bus.close()
      await backend?.close()
      backend = undefined
    })

    it('appends in order and every bus reads the same records with growing ids', async () => {
      const [a, b] = (await connect(2)) as [ClusterBus, ClusterBus]
      const first = await a.append('one')
      const second = await b.append('two')
      expect(compareIds(first, second)).toBeLessThan(0)
      expect(compareIds(FIRST_ID, first)).toBeLessThan(0)
      for (const bus of [a, b]) {
        const entries = await bus.read(FIRST_ID, 0)
        expect(entries).toEqual([
          { id: first, data: 'one' },
          { id: second, data: 'two' },
        ])
        expect(await bus.read(first, 0)).toEqual([{ id: second, data: 'two' }])
      }
    })

    it('a read at the end waits for the next record, or answers none when none comes', async () => {
      const [a, b] = (await connect(2)) as [ClusterBus, ClusterBus]
      const last = await a.append('x')
      expect(await b.read(last, 50)).toEqual([])
      const waiting = b.read(last, 5000)
      await new Promise((resolve) => setTimeout(resolve, 30))
      const next = await a.append('y')
      expect(await waiting).toEqual([{ id: next, data: 'y' }])
    })

    it('a beat answers the last id and the epoch after storing the beat; nodes lists live beats', async () => {
      const [a, b] = (await connect(2)) as [ClusterBus, ClusterBus]
      await a.leave('probe')
      const first = await a.heartbeat(beat('a'), 60_000)
      expect(first).toEqual({ lastId: FIRST_ID, epoch: expect.any(String) })
      const id = await b.append('z')
      // One log, one epoch, whichever bus asks.
      expect(await b.heartbeat(beat('b', id), 60_000)).toEqual({ lastId: id, epoch: first.epoch })
      const ids = (await a.nodes()).map((node) => node.id).sort()
      expect(ids).toEqual(['a', 'b'])
      expect((await a.nodes()).find((node) => node.id === 'b')).toEqual(beat('b', id))
      await b.leave('b')
      expect((await a.nodes()).map((node) => node.id)).toEqual(['a'])
    })

    it('a beat expires after its ttl', async () => {
      const [a] = (await connect(1)) as [ClusterBus]
      await a.heartbeat(beat('short'), 100)
      expect(await eventually(async () => !(await a.nodes()).some((n) => n.id === 'short'))).toBe(
        true
      )
    })

    it('an ack reaches every bus, the sender included', async () => {
      const [a, b] = (await connect(2)) as [ClusterBus, ClusterBus]
      const heard: string[] = []
      a.onAck((node, id) => heard.push(`a:${node}@${id}`))
      b.onAck((node, id) => heard.push(`b:${node}@${id}`))
      // A subscription may take a moment to be in place: ack until both heard one.
      expect(
        await eventually(async () => {
          await a.ack('n1', '5-1')
          return heard.some((h) => h.startsWith('a:')) && heard.some((h) => h.startsWith('b:'))
        })
      ).toBe(true)
      expect(heard).toContain('b:n1@5-1')
    })

    it('rejects calls once closed', async () => {
      const [a] = (await connect(1)) as [ClusterBus]
      await a.close()
      await expect(a.append('late')).rejects.toThrow()
    })
  })
}
