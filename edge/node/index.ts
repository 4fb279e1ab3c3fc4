/**
 * `import … from 'gripgate'`: the gateway as a Node library. Parse a config, start the gateway
 * on a port (what `gripgate serve` does), or build the Hono app on seams of your own.
 *
 * @example
 * ```ts
 * import { parseConfig, startGateway } from 'gripgate'
 *
 * const config = parseConfig(
 *   { origins: { app: { url: 'http://127.0.0.1:3000' } }, routes: [{ path: '/*', origin: 'app' }] },
 *   process.env
 * )
 * if (!config.ok) throw new Error(JSON.stringify(config.error))
 * const running = await startGateway({ config: config.value, port: 8080, host: '127.0.0.1' })
 * console.log(`listening on ${running.url}`)
 * // later: await running.close()
 * ```
 * @module
 */

export { formatProblems, parseConfig, parseConfigText } from '../../src/config/parse.ts'
export type {
  CacheConfig,
  ClusterConfig,
  ConfigProblem,
  GatewayConfig,
  GripConfig,
  HistoryConfig,
  LimitsConfig,
  OriginConfig,
  PublishConfig,
  RouteConfig,
} from '../../src/config/types.ts'
export { type ErrorCode, GatewayError } from '../../src/errors.ts'
export { createGateway, type Gateway } from '../../src/gateway.ts'
export type { Clock, Logger, Origin, Platform } from '../../src/platform.ts'
export type { Result } from '../../src/result.ts'
export { nodePlatform, type RunningGateway, type ServeOptions, startGateway } from './server.ts'
