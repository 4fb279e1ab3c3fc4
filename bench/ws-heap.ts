/**
 * Heap per held WebSocket on `gripgate serve`: heap snapshots of the gateway with `--low` and
 * `--high` sockets held through the GRIP origin fixture (the fan-out bench's `/ws/<channel>`
 * route), and the difference per socket by V8 node type and name, largest first. Timers,
 * closures and objects that exist once per socket show up with a count of about 1.
 *
 *     node --import tsx bench/ws-heap.ts [--low=1000] [--high=3000] [--top=40] [--floor]
 *
 * `--floor` measures the node:http floor's plain `ws` sockets instead (bench/node-floor.mjs),
 * which is what `ws` and Node cost with no gateway; `--keep` keeps the snapshots (and says
 * where) to read their retainers in DevTools.
 * The gateway runs as the bench runs it (bin/ts-register.mjs, no keepNames), with
 * `--heapsnapshot-signal`; everything listens on 127.0.0.1 and is stopped by its PID.
 * @module
 */

import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { sleep, stop, waitFor } from './procs.ts'
import { CHANNEL, startFloorProcess, startGripgate, startOrigins } from './targets.ts'

const arg = (name: string, fallback: number): number => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`))
  return found ? Number(found.slice(name.length + 3)) : fallback
}
const LOW = arg('low', 1000)
const HIGH = arg('high', 3000)
const TOP = arg('top', 40)
/** Opens in flight at once. */
const OPENING = 100

/** Opens refused on a loaded machine (an origin timeout answers 502), opened again. */
let retried = 0

/** Opens `count` more subscribers; resolves once each got the origin's greeting. */
async function openSockets(url: string, count: number, into: WebSocket[]): Promise<void> {
  let next = 0
  const one = () =>
    new Promise<boolean>((resolve) => {
      const ws = new WebSocket(url, { perMessageDeflate: false })
      ws.once('message', () => {
        into.push(ws)
        resolve(true)
      })
      ws.once('error', () => resolve(false))
    })
  const worker = async () => {
    while (next < count) {
      next++
      for (let attempt = 1; !(await one()); attempt++) {
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

/** Self size and count per "type name" of a snapshot. */
async function summarise(file: string): Promise<Map<string, { count: number; bytes: number }>> {
  const snap = JSON.parse(await readFile(file, 'utf8'))
  const fields: string[] = snap.snapshot.meta.node_fields
  const types: string[] = snap.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const nodes: number[] = snap.nodes
  const strings: string[] = snap.strings
  const out = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!]!
    let name = strings[nodes[i + nameAt]!]!
    // Strings and numbers by content would split one kind into thousands of rows.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string')
      name = '(string)'
    if (type === 'number' || type === 'hidden' || type === 'array') name = name.slice(0, 60)
    const key = `${type} ${name.slice(0, 80)}`
    const row = out.get(key) ?? { count: 0, bytes: 0 }
    row.count++
    row.bytes += nodes[i + sizeAt]!
    out.set(key, row)
  }
  return out
}

const FLOOR = process.argv.includes('--floor')
const KEEP = process.argv.includes('--keep')

const dir = await mkdtemp(join(tmpdir(), 'gripgate-ws-heap-'))
const nodeArgs = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`]
const origins = FLOOR ? undefined : await startOrigins()
const server = origins
  ? await startGripgate(origins, nodeArgs)
  : await startFloorProcess(1, nodeArgs).then(({ port, child }) => ({
      port,
      pids: () => [child.child.pid!],
      stop: () => stop(child),
    }))
const sockets: WebSocket[] = []
try {
  const pid = nodeChild(server.pids()[0]!)
  const url = origins
    ? `ws://127.0.0.1:${server.port}/ws/${CHANNEL}`
    : `ws://127.0.0.1:${server.port}/sub`
  await openSockets(url, LOW, sockets)
  await sleep(1000)
  const low = await summarise(await snapshot(pid, dir))
  await openSockets(url, HIGH - LOW, sockets)
  await sleep(1000)
  const high = await summarise(await snapshot(pid, dir))
  const per = HIGH - LOW
  const rows = [...high].map(([key, h]) => {
    const l = low.get(key) ?? { count: 0, bytes: 0 }
    return { key, count: (h.count - l.count) / per, bytes: (h.bytes - l.bytes) / per }
  })
  let total = 0
  for (const row of rows) total += row.bytes
  rows.sort((a, b) => b.bytes - a.bytes)
  console.log(
    `${FLOOR ? 'floor ' : ''}heap per WebSocket (${LOW} → ${HIGH} held): ${(total / 1024).toFixed(2)} KiB` +
      (retried ? ` (${retried} opens retried)` : '')
  )
  console.log('bytes/socket  count/socket  type name')
  for (const row of rows.slice(0, TOP))
    console.log(
      `${row.bytes.toFixed(0).padStart(12)}  ${row.count.toFixed(2).padStart(12)}  ${row.key}`
    )
} finally {
  for (const ws of sockets) ws.terminate()
  await server.stop()
  await origins?.stop()
  if (KEEP) console.log(`snapshots kept in ${dir}`)
  else await rm(dir, { recursive: true, force: true })
}
