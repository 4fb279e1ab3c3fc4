/**
 * `import … from 'gripgate/fastly'`: the gateway for a Fastly Compute service of your own
 * (docs/fastly.md). `fastlyGateway` wires the real `fastly:*` modules; `createFastlyApp` takes
 * seams of your own.
 * @module
 */
export { fastlyGateway, serveFastly } from './gateway.ts'
export { createFastlyApp, type FastlyAppDeps, fastlyPlatform } from './platform.ts'
export {
  API_TOKEN_SECRET,
  type FastlySettings,
  type FastlyStores,
  loadSettings,
  type PublishApiSettings,
  SETTING_KEYS,
} from './settings.ts'
export { CONFIG_STORE, fastlyStores, SECRET_STORE } from './stores.ts'
