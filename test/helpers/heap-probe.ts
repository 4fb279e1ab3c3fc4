/**
 * Run as `node --expose-gc --import ./bin/ts-register.mjs test/helpers/heap-probe.ts`
 * (issue #12 item 7): publishes to 100,000 fresh channels through a Hub, purges 100,000 fresh
 * keys through a PurgeFence while a fill is always in flight, lets the clock pass every
 * lifetime, and prints the heap in use after a full GC at the start, right after the burst,
 * and at the end, as one JSON line. Nothing here is timed; only retained memory is read.
 */
import { PurgeFence } from '../../src/cache/purge-fence.ts'
import type { PublishItem } from '../../src/grip/publish-item.ts'
import { Hub } from '../../src/hub/hub.ts'
import { LAST_ID_TTL_MS } from '../../src/hub/sequencer.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { FakeClock } from '../fakes/fake-clock.ts'
import { LIMITS } from './grip-harness.ts'

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc')
const N = Number(process.argv[2] ?? 100_000)

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc!()
  return process.memoryUsage().heapUsed
}

const clock = new FakeClock()
const hub = new Hub({
  clock,
  logger: new CaptureLogger(),
  limits: LIMITS,
})
const fence = new PurgeFence()
const item = (channel: string, id: string): PublishItem =>
  ({ channel, id, formats: {} }) as unknown as PublishItem
const quiet = () => clock.advance(Math.max(LAST_ID_TTL_MS, 60_000) + 1)

/**
 * One round: `count` fresh channels published and fresh keys purged, with a fill always in
 * flight; returns the fill still in flight at the end, so some fill is running throughout.
 */
function round(prefix: string, count: number, running: number): number {
  for (let i = 0; i < count; i++) {
    hub.publish([item(`${prefix}-${i}`, `id-${i}`)])
    const next = fence.begin()
    fence.purged([`${prefix}-key-${i}`])
    fence.end(running)
    running = next
  }
  return running
}

// Warm up, so code and lazily built structures are in the baseline, not in the growth.
let running = round('warm', 1_000, fence.begin())
quiet()
hub.publish([item('settle', '1')])
const start = heapUsed()
running = round('burst', N, running)
const burst = heapUsed()
quiet()
hub.publish([item('settle', '2')])
const end = heapUsed()
const fenceKeys = fence.size
fence.end(running)
process.stdout.write(`${JSON.stringify({ start, burst, end, fenceKeys })}\n`)
