/**
 * What the `workers` vitest project's config and its tests share: the gateway config, the
 * Worker's extra bindings and the test origin's answers. No Node or workerd APIs here: the
 * config side (Node) and the tests (workerd) both import it.
 */

/** The gateway config every workers test shares (secrets come from the bindings below). */
export const WORKERS_TEST_CONFIG = {
  origins: { app: { url: 'http://origin.test', timeoutMs: 5000 } },
  routes: [{ path: '/*', origin: 'app' }],
  publish: { keys: [{ env: 'TEST_PUBLISH_KEY' }] },
  // Below workerd's own 1 MiB cap on received messages, so the gateway's limits are what act.
  limits: { wsMessageBytes: 64 * 1024, wsQueueBytes: 64 * 1024 },
  // Channel history only for `hist-*` channels, so every other test sees the tier without it.
  history: { size: 0, channels: { 'hist-*': { size: 100 } } },
}

/** Variables the workers project adds to wrangler.toml's. */
export const WORKERS_TEST_BINDINGS = {
  GRIPGATE_CONFIG: JSON.stringify(WORKERS_TEST_CONFIG),
  TEST_PUBLISH_KEY: 'workers-test-publish-key',
  GRIPGATE_LOG: 'error',
}

/** The text the test origin's `/gzip/*` answers with, gzip-encoded. */
export const GZIP_TEXT = 'hello from a gzip origin'
