/**
 * The Fastly build's app: the gateway (`gateway.ts`) for the config bundled at build time
 * (`gripgate.fastly.json`, checked by `npm run build:fastly`).
 * @module
 */
import rawConfig from '../../gripgate.fastly.json' with { type: 'json' }
import { fastlyGateway } from './gateway.ts'

/** The app `index.ts` serves. */
export const app = fastlyGateway(rawConfig)
