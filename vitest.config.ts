import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { ProjectOrderSequencer } from './test/helpers/sequencer.ts'
import { WORKERS_TEST_BINDINGS, workersTestOrigin } from './test/helpers/workers-origin.ts'

/** `fastly:*` modules exist only inside js-compute builds; tests get in-memory shims. */
const fastlyShims = fileURLToPath(new URL('./test/fastly/shims/', import.meta.url))

// One project per runtime tier (Hono's runtime-tests idea); `npm test` runs them all.
export default defineConfig({
  test: {
    // One file more than there are cores (Vitest's default is one fewer): most integration
    // files spend their time waiting on sockets, child processes and Grip timeouts, and the
    // extra worker keeps both cores of a small machine busy meanwhile.
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: ProjectOrderSequencer },
    projects: [
      {
        // Pure unit tests: no ports, no timers of their own, no module state a test relies on
        // (the memo caches in src/ return the same answer whoever filled them). One module graph
        // shared by every file in a worker thread (isolate: false) instead of a fresh one per
        // file: the import cost is paid once, not 70 times.
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          isolate: false,
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/integration/**/*.test.ts',
            // Attacks over real sockets (issue #12): every defect found stays a regression test.
            'test/hostile/**/*.test.ts',
          ],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        resolve: { alias: [{ find: /^fastly:(.*)$/, replacement: `${fastlyShims}$1.ts` }] },
        test: {
          name: 'fastly',
          environment: 'node',
          include: ['test/fastly/**/*.test.ts'],
          // The wasm build test compiles the whole app with js-compute-runtime.
          testTimeout: 180_000,
        },
      },
      {
        // Inside workerd (PLATFORMS.md B.4): the Worker of wrangler.toml, its Durable Objects and
        // the Cache API; the origin is a Node function (Miniflare's outboundService).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { bindings: WORKERS_TEST_BINDINGS, outboundService: workersTestOrigin },
          }),
        ],
        // Each file keeps its own Miniflare (isolate: true): sharing one between files would
        // save workerd start-ups, but a file may expect fresh holder shards (fanout-ws.test.ts
        // reads a holder's earliest alarm, which another file's held poll moves).
        test: { name: 'workers', include: ['test/workers/**/*.test.ts'] },
      },
    ],
  },
})
