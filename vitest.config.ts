import { fileURLToPath } from 'node:url'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { WORKERS_TEST_BINDINGS, workersTestOrigin } from './test/helpers/workers-origin.ts'

/** `fastly:*` modules exist only inside js-compute builds; tests get in-memory shims. */
const fastlyShims = fileURLToPath(new URL('./test/fastly/shims/', import.meta.url))

// One project per runtime tier (Hono's runtime-tests idea); `npm test` runs them all.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/unit/**/*.test.ts',
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
        test: { name: 'workers', include: ['test/workers/**/*.test.ts'] },
      },
    ],
  },
})
