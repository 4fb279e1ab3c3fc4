/**
 * Issue #12 item 7: memory that only grew. The sequencer kept the last id of every channel
 * ever published with an id, and the purge fence every key purged while any fill was in
 * flight. A child `node --expose-gc` (test/helpers/heap-probe.ts) publishes to 100,000 fresh
 * channels and purges 100,000 fresh keys with a fill always in flight, lets every lifetime
 * pass, and reports the heap after full GCs. Retained memory is compared, never time.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const MIB = 1024 * 1024

function probe(): Promise<{ start: number; burst: number; end: number; fenceKeys: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', './bin/ts-register.mjs', 'test/helpers/heap-probe.ts', '100000'],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`heap probe failed: ${error.message}\n${stderr}`))
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'))
      }
    )
  })
}

describe('memory after a burst of fresh channels and purges (issue #12 item 7)', () => {
  it('returns the heap to near where it started', { timeout: 90_000 }, async () => {
    const heap = await probe()
    // The burst itself takes memory (ids are remembered for de-duplication for 60 s)...
    expect(heap.burst - heap.start).toBeGreaterThan(4 * MIB)
    // ...and gives it back: before the fix about 9 MB (sequencer) plus 12 MB (fence) stayed.
    expect(heap.end - heap.start).toBeLessThan(2 * MIB)
    expect(heap.fenceKeys).toBeLessThanOrEqual(1)
  })
})
