/**
 * One body of GRIP integration cases, run against every GRIP proxy this machine has: gripgate
 * (`bin/gripgate serve` as a child process) and, when installed, Pushpin 1.36, the reference
 * implementation. Each target gets its own fixture origin (fixtures/grip-origin). The shape
 * follows h3's `describeMatrix`: the body is written once and reads the target from a getter.
 */
import { Publisher } from '@fanoutio/grip'
import { afterAll, beforeAll, describe } from 'vitest'
import { type GripOrigin, startGripOrigin } from '../../fixtures/grip-origin/origin.ts'
import { type ServeProcess, startServe, writeTempConfig } from './cli.ts'
import { pushpinMissing, type RunningPushpin, startPushpin } from './pushpin.ts'

/** The Grip-Sig key shared by each proxy and its origin. */
export const GRIP_KEY = 'grip-integration-sig-key'
/** gripgate's publish key. */
export const PUBLISH_KEY = 'grip-integration-publish-key'

export type TargetName = 'gripgate' | 'pushpin'

/** A running GRIP proxy in front of its own fixture origin. */
export interface GripTarget {
  name: TargetName
  /** Where clients connect. */
  url: string
  /** The GRIP control URI publishers use (`<control_uri>/publish/`). */
  controlUri: string
  origin: GripOrigin
  /** A Publisher with the credentials this target needs (none for Pushpin). */
  publisher: Publisher
  /** Whether publishing needs credentials (gripgate); Pushpin's endpoint has none (GRIP.md §8.1). */
  publishAuth: boolean
  /**
   * Pushpin re-requests every long-poll on a channel about 1.1 s after the channel's first
   * subscription (GRIP.md §4.3, "first subscription"); gripgate does not.
   */
  replaysFirstPolls: boolean
  /** gripgate's `/_gripgate/stats` document; undefined for Pushpin. */
  stats?: () => Promise<GatewayStats>
  stop(): Promise<void>
}

/** The parts of `/_gripgate/stats` the tests read. */
export interface GatewayStats {
  connections: { stream: number; response: number; websocket: number }
  channels: number
  subscriptions: number
}

async function startGripgate(): Promise<GripTarget> {
  const origin = await startGripOrigin({ key: GRIP_KEY, iss: 'gripgate' })
  let gateway: ServeProcess
  try {
    const config = await writeTempConfig({
      origins: { app: { url: origin.url } },
      routes: [{ path: '/*', origin: 'app' }],
      grip: { key: GRIP_KEY },
      publish: { keys: [PUBLISH_KEY] },
    })
    gateway = await startServe(['--config', config])
  } catch (error) {
    await origin.close()
    throw error
  }
  const controlUri = `${gateway.url}/`
  return {
    name: 'gripgate',
    url: gateway.url,
    controlUri,
    origin,
    publisher: new Publisher({ control_uri: controlUri, key: PUBLISH_KEY }),
    publishAuth: true,
    replaysFirstPolls: false,
    stats: async () => {
      const response = await fetch(`${gateway.url}/_gripgate/stats`, {
        headers: { authorization: `Bearer ${PUBLISH_KEY}` },
      })
      if (response.status !== 200) throw new Error(`stats answered ${response.status}`)
      return (await response.json()) as GatewayStats
    },
    stop: async () => {
      await gateway.stop()
      await origin.close()
    },
  }
}

async function startPushpinTarget(): Promise<GripTarget> {
  const origin = await startGripOrigin({ key: GRIP_KEY, iss: 'pushpin' })
  let pushpin: RunningPushpin
  try {
    pushpin = await startPushpin({
      originPort: origin.port,
      sigKey: GRIP_KEY,
      sigIss: 'pushpin',
      readyPath: '/stream/_ready',
    })
  } catch (error) {
    await origin.close()
    throw error
  }
  return {
    name: 'pushpin',
    url: pushpin.url,
    controlUri: pushpin.controlUri,
    origin,
    publisher: new Publisher({ control_uri: pushpin.controlUri }),
    publishAuth: false,
    replaysFirstPolls: true,
    stop: async () => {
      await pushpin.stop()
      await origin.close()
    },
  }
}

const TARGETS: { name: TargetName; missing?: string; start: () => Promise<GripTarget> }[] = [
  { name: 'gripgate', start: startGripgate },
  { name: 'pushpin', missing: pushpinMissing(), start: startPushpinTarget },
]

/**
 * Runs `body` once per target, each in its own `describe` with the target started before and
 * stopped after. A target that cannot run here is skipped, and its title says why. The body
 * gets the target's name at collection time, for `it.skipIf` on target-specific cases.
 */
export function describeMatrix(
  title: string,
  body: (target: () => GripTarget, name: TargetName) => void
): void {
  for (const { name, missing, start } of TARGETS) {
    const label = missing ? `${title} [${name}: skipped, ${missing}]` : `${title} [${name}]`
    describe.skipIf(missing !== undefined)(label, () => {
      let target: GripTarget | undefined
      beforeAll(async () => {
        target = await start()
      }, 30_000)
      afterAll(async () => {
        await target?.stop()
      }, 30_000)
      body(() => {
        if (!target) throw new Error(`target ${name} did not start`)
        return target
      }, name)
    })
  }
}
