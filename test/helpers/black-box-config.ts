/**
 * The gateway config every black-box runner uses (black-box-cases.ts): the same routes and
 * publish key on each platform; only the origins' addresses differ (each harness has its own).
 * No Node or test-framework imports: the workers tests import it inside workerd.
 * @module
 */

/** The publish key of the suite, read from the environment variable / secret below. */
export const BB_PUBLISH_KEY = 'black-box-publish-key'
/** The name the config reads the key from (env on Node and Workers, Secret Store on Fastly). */
export const BB_PUBLISH_KEY_ENV = 'BB_PUBLISH_KEY'
/** A host whose catch-all route would forward anything, so a request kept back is visible. */
export const CATCH_ALL_HOST = 'catchall.test'

/** The raw config, for `parseConfig` (Node), `GRIPGATE_CONFIG` (Workers) or `loadSettings` (Fastly). */
export function blackBoxConfig(origins: { app: string; unreachable: string }) {
  return {
    origins: {
      app: { url: origins.app, timeoutMs: 5000 },
      down: { url: origins.unreachable, timeoutMs: 5000 },
    },
    // No catch-all for other hosts: anything outside /bb/ has no route.
    routes: [
      { path: '/*', origin: 'app', host: CATCH_ALL_HOST },
      { path: '/bb/down/*', origin: 'down' },
      { path: '/bb/*', origin: 'app' },
    ],
    publish: { keys: [{ env: BB_PUBLISH_KEY_ENV }] },
  }
}
