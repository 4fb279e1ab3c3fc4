/**
 * The Node gateway in-process for hostile tests: a config object in, the running gateway,
 * its port and what it logged out. Secrets in the config are plain strings.
 */

import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'

/** A gateway started for one test file. */
export interface HostileGateway {
  url: string
  port: number
  config: GatewayConfig
  logger: CaptureLogger
  running: RunningGateway
  close(): Promise<void>
}

/** Parses `raw` (throws on a bad config) and starts the gateway on 127.0.0.1, port 0. */
export async function startHostileGateway(raw: Record<string, unknown>): Promise<HostileGateway> {
  const parsed = parseConfig(raw, {})
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.error)}`)
  const logger = new CaptureLogger()
  const running = await startGateway({ config: parsed.value, port: 0, host: '127.0.0.1', logger })
  return {
    url: running.url,
    port: Number(new URL(running.url).port),
    config: parsed.value,
    logger,
    running,
    close: () => running.close(1_000),
  }
}
