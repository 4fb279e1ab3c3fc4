/**
 * Heap per held connection on `gripgate serve`: heap snapshots of the gateway with `--low` and
 * `--high` subscribers held through the GRIP origin fixture (the fan-out bench's `/ws/<channel>`
 * route, or with `--sse` its `/stream/<channel>` SSE hold), and the difference per connection
 * by V8 node type and name, largest first. Timers, closures and objects that exist once per
 * connection show up with a count of about 1.
 *
 *     node --import tsx bench/ws-heap.ts [--sse] [--low=1000] [--high=3000] [--top=40] [--floor]
 *       [--retainers=N] [--keep]
 *
 * `--floor` measures the node:http floor instead (bench/node-floor.mjs: plain `ws` sockets, or
 * with `--sse` a node:http `res` held and nothing else), which is what Node costs with no
 * gateway; `--retainers=N` prints, for each of the N largest rows, who retains the objects that
 * came with the added connections (two steps up, counted per connection); `--keep` keeps the snapshots
 * (and says where) to read them in DevTools.
 * The gateway runs as the bench runs it (bin/ts-register.mjs, no keepNames), with
 * `--heapsnapshot-signal`; everything listens on 127.0.0.1 and is stopped by its PID.
 * @module
 */

import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { sleep, stop, waitFor } from './procs.ts'
import {
  CHANNEL,
  GRIP_SUBSCRIPTIONS,
  startFloorProcess,
  startGripgate,
  startOrigins,
} from './targets.ts'

const arg = (name: string, fallback: number): number => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`))
  return found ? Number(found.slice(name.length + 3)) : fallback
}
const LOW = arg('low', 1000)
const HIGH = arg('high', 3000)
const TOP = arg('top', 40)
const RETAINERS = arg('retainers', 0)
const FLOOR = process.argv.includes('--floor')
const KEEP = process.argv.includes('--keep')
const SSE = process.argv.includes('--sse')
/** Opens in flight at once. */
const OPENING = 100

/** Opens refused on a loaded machine (an origin timeout answers 502), opened again. */
let retried = 0

/** A held subscriber, closed at the end. */
type Held = { close(): void }

/** Opens one WebSocket subscriber; resolves once it got the origin's greeting. */
function openWebSocket(url: string): Promise<Held | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.once('message', () => resolve({ close: () => ws.terminate() }))
    ws.once('error', () => resolve(undefined))
  })
}

/** Opens one SSE subscriber; resolves once the response carried `ready`. */
function openStream(port: number, path: string, ready: string): Promise<Held | undefined> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1')
    let seen = ''
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1')
      if (!seen.includes(ready)) return
      // Held: what comes later (keep-alives) is read and dropped.
      socket.off('data', onData)
      socket.on('data', () => {})
      resolve({ close: () => socket.destroy() })
    }
    socket.on('data', onData)
    socket.once('error', () => resolve(undefined))
    socket.once('close', () => resolve(undefined))
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`)
  })
}

/** Opens `count` more subscribers with `one`, retrying failed opens. */
async function openMany(
  one: () => Promise<Held | undefined>,
  count: number,
  into: Held[]
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      for (let attempt = 1; ; attempt++) {
        const held = await one()
        if (held) {
          into.push(held)
          break
        }
        if (attempt === 3) throw new Error(`an open failed ${attempt} times`)
        retried++
      }
    }
  }
  await Promise.all(Array.from({ length: OPENING }, worker))
}

/** The PID of the node process `timeout` runs. */
function nodeChild(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)
  return Number(children[0])
}

/** Signals `pid` to write a snapshot into `dir` and resolves with its path once written. */
async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(await readdir(dir))
  process.kill(pid, 'SIGUSR2')
  let file = ''
  await waitFor(
    async () => {
      const fresh = (await readdir(dir)).filter(
        (f) => !before.has(f) && f.endsWith('.heapsnapshot')
      )
      if (!fresh[0]) return false
      file = join(dir, fresh[0])
      // Written once its size stops changing.
      const size = (await readFile(file)).length
      await sleep(500)
      return size > 0 && (await readFile(file)).length === size
    },
    120_000,
    'heap snapshot'
  )
  return file
}

/** A parsed V8 heap snapshot, with the accessors the diff and the retainer paths need. */
interface Snapshot {
  /** Node indexes (into `nodes`, by node) in snapshot order. */
  count: number
  key(node: number): string
  id(node: number): number
  selfSize(node: number): number
  /** `[retainer node, edge label]` pairs of `node`, built on first use. */
  retainers(node: number): Array<[number, string]>
}

async function load(file: string): Promise<Snapshot> {
  const snap = JSON.parse(await readFile(file, 'utf8'))
  const meta = snap.snapshot.meta
  const fields: string[] = meta.node_fields
  const types: string[] = meta.node_types[0]
  const edgeFields: string[] = meta.edge_fields
  const edgeTypes: string[] = meta.edge_types[0]
  const width = fields.length
  const edgeWidth = edgeFields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const idAt = fields.indexOf('id')
  const sizeAt = fields.indexOf('self_size')
  const edgeCountAt = fields.indexOf('edge_count')
  const nodes: number[] = snap.nodes
  const edges: number[] = snap.edges
  const strings: string[] = snap.strings
  let reverse: Array<Array<[number, string]>> | undefined
  const buildReverse = () => {
    const out: Array<Array<[number, string]>> = Array.from(
      { length: nodes.length / width },
      () => []
    )
    let e = 0
    for (let n = 0; n < nodes.length / width; n++) {
      const end = e + nodes[n * width + edgeCountAt]! * edgeWidth
      for (; e < end; e += edgeWidth) {
        const type = edgeTypes[edges[e]!]!
        if (type === 'weak') continue
        const nameOrIndex = edges[e + 1]!
        const label =
          type === 'element' || type === 'hidden'
            ? `[${nameOrIndex}]`
            : String(strings[nameOrIndex])
        out[edges[e + 2]! / width]!.push([n, `${type}:${label}`])
      }
    }
    return out
  }
  return {
    count: nodes.length / width,
    key(n) {
      const type = types[nodes[n * width + typeAt]!]!
      let name = strings[nodes[n * width + nameAt]!]!
      // Strings and numbers by content would split one kind into thousands of rows.
      if (type === 'string' || type === 'concatenated string' || type === 'sliced string')
        name = '(string)'
      if (type === 'number' || type === 'hidden' || type === 'array') name = name.slice(0, 60)
      return `${type} ${name.slice(0, 80)}`
    },
    id: (n) => nodes[n * width + idAt]!,
    selfSize: (n) => nodes[n * width + sizeAt]!,
    retainers(n) {
      reverse ??= buildReverse()
      return reverse[n]!
    },
  }
}

/** Self size and count per "type name" of a snapshot. */
function summarise(snap: Snapshot): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>()
  for (let n = 0; n < snap.count; n++) {
    const key = snap.key(n)
    const row = out.get(key) ?? { count: 0, bytes: 0 }
    row.count++
    row.bytes += snap.selfSize(n)
    out.set(key, row)
  }
  return out
}

/** The retainer of `node` a reader would follow: a named property or closure context first. */
function mainRetainer(snap: Snapshot, node: number): [number, string] | undefined {
  const all = snap.retainers(node)
  return (
    all.find(([, label]) => label.startsWith('property:') || label.startsWith('context:')) ?? all[0]
  )
}

/**
 * Who retains the objects of kind `key` that are in `high` and not in `low` (V8 keeps object
 * ids across the snapshots of one process): per object its retainer and that one's retainer,
 * counted, most common first, per added connection.
 */
function retainedBy(
  high: Snapshot,
  lowIds: Set<number>,
  key: string,
  per: number
): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (let n = 0; n < high.count; n++) {
    if (high.key(n) !== key || lowIds.has(high.id(n))) continue
    const steps: string[] = []
    let at = n
    for (let depth = 0; depth < 2; depth++) {
      const up = mainRetainer(high, at)
      if (!up) break
      steps.push(`${up[1]} <- ${high.key(up[0])}`)
      at = up[0]
    }
    const path = steps.join(' / ')
    counts.set(path, (counts.get(path) ?? 0) + 1)
  }
  return [...counts]
    .map(([path, count]): [string, number] => [path, count / per])
    .sort((a, b) => b[1] - a[1])
}

const dir = await mkdtemp(join(tmpdir(), 'gripgate-heap-'))
const nodeArgs = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`]
const origins = FLOOR ? undefined : await startOrigins()
const server = origins
  ? await startGripgate(origins, nodeArgs)
  : await startFloorProcess(1, nodeArgs).then(({ port, child }) => ({
      port,
      pids: () => [child.child.pid!],
      stop: () => stop(child),
    }))
const held: Held[] = []
try {
  const pid = nodeChild(server.pids()[0]!)
  const sse = GRIP_SUBSCRIPTIONS.sse!
  const one = SSE
    ? origins
      ? () => openStream(server.port, sse.path, sse.ready!)
      : () => openStream(server.port, '/sub', 'event: ready')
    : origins
      ? () => openWebSocket(`ws://127.0.0.1:${server.port}/ws/${CHANNEL}`)
      : () => openWebSocket(`ws://127.0.0.1:${server.port}/sub`)
  await openMany(one, LOW, held)
  await sleep(1000)
  const lowSnap = await load(await snapshot(pid, dir))
  const low = summarise(lowSnap)
  const lowIds = new Set(Array.from({ length: lowSnap.count }, (_, n) => lowSnap.id(n)))
  await openMany(one, HIGH - LOW, held)
  await sleep(1000)
  const highSnap = await load(await snapshot(pid, dir))
  const high = summarise(highSnap)
  const per = HIGH - LOW
  const rows = [...high].map(([key, h]) => {
    const l = low.get(key) ?? { count: 0, bytes: 0 }
    return { key, count: (h.count - l.count) / per, bytes: (h.bytes - l.bytes) / per }
  })
  let total = 0
  for (const row of rows) total += row.bytes
  rows.sort((a, b) => b.bytes - a.bytes)
  const what = SSE ? 'SSE connection' : 'WebSocket'
  console.log(
    `${FLOOR ? 'floor ' : ''}heap per ${what} (${LOW} → ${HIGH} held): ${(total / 1024).toFixed(2)} KiB` +
      (retried ? ` (${retried} opens retried)` : '')
  )
  console.log('bytes/conn  count/conn  type name')
  for (const row of rows.slice(0, TOP))
    console.log(
      `${row.bytes.toFixed(0).padStart(10)}  ${row.count.toFixed(2).padStart(10)}  ${row.key}`
    )
  for (const row of rows.slice(0, RETAINERS)) {
    console.log(`\n${row.key}, retained by (per connection):`)
    for (const [path, count] of retainedBy(highSnap, lowIds, row.key, per).slice(0, 8))
      console.log(`  ${count.toFixed(2).padStart(6)}  ${path}`)
  }
} finally {
  for (const h of held) h.close()
  await server.stop()
  await origins?.stop()
  if (KEEP) console.log(`snapshots kept in ${dir}`)
  else await rm(dir, { recursive: true, force: true })
}
