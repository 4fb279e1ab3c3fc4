/**
 * Shared pieces of the fanout tests: the Worker with the Durable Object tier, requests and
 * publishes through it, and looks inside the channel rooms and holders. The GRIP origin is
 * test/helpers/workers-grip-origin.ts (Node, via Miniflare's outboundService).
 */
import { createExecutionContext, env, runInDurableObject } from 'cloudflare:test'
import type { ChannelRoom } from '../../edge/cloudflare/fanout/channel-room.ts'
import {
  type ChannelRoomRpc,
  type ConnectionHolderRpc,
  durableObjectExtras,
  type FanoutEnv,
} from '../../edge/cloudflare/fanout/index.ts'
import { createWorker } from '../../edge/cloudflare/worker.ts'
import type { GripLogEntry } from '../helpers/workers-grip-origin.ts'

/** The Worker's env with the fanout namespaces typed. */
export const fanoutEnv = env as unknown as FanoutEnv & typeof env

/** The Worker of edge/cloudflare with the Durable Object fanout tier (4 holder shards). */
const worker = createWorker({ extras: () => durableObjectExtras(fanoutEnv, { shards: 4 }) })

/** A request through the Worker, as a client sends it. */
export function gateway(path: string, init?: RequestInit): Promise<Response> {
  return worker.fetch(new Request(`https://gw.test${path}`, init), env, createExecutionContext())
}

/** Publishes items (the publish JSON form) with the test publish key. */
export async function publish(...items: object[]): Promise<Record<string, unknown>> {
  const response = await gateway('/publish/', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${env.TEST_PUBLISH_KEY}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ items }),
  })
  if (response.status !== 200)
    throw new Error(`publish: ${response.status} ${await response.text()}`)
  return response.json()
}

/** A channel name no other test uses. */
export const channelName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`

/** The room of `channel`. */
export const room = (channel: string) =>
  fanoutEnv.CHANNELS.get(fanoutEnv.CHANNELS.idFromName(channel))

/**
 * `runInDurableObject` for our classes: the pool types instances as objects over the test
 * env (`Cloudflare.Env`), which ours, typed over `FanoutEnv`, are not.
 */
export function inside<T, R>(
  stub: DurableObjectStub<ChannelRoomRpc> | DurableObjectStub<ConnectionHolderRpc>,
  callback: (instance: T, state: DurableObjectState) => R | Promise<R>
): Promise<R> {
  return runInDurableObject(stub as unknown as DurableObjectStub, (instance, state) =>
    callback(instance as unknown as T, state)
  )
}

/** The holders registered at the room of `channel`. */
export const holdersOf = (channel: string) =>
  inside(room(channel), (instance: ChannelRoom) => instance.holderIds())

/** The holder with id string `id`. */
export const holderStub = (id: string): DurableObjectStub<ConnectionHolderRpc> =>
  fanoutEnv.HOLDERS.get(fanoutEnv.HOLDERS.idFromString(id))

/** Waits until `check` holds (polling real time: the objects work concurrently). */
export async function eventually<T>(
  check: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 3000
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The one holder registered for `channel`, once it is registered. */
export async function holderOf(channel: string): Promise<DurableObjectStub<ConnectionHolderRpc>> {
  const [id] = await eventually(
    () => holdersOf(channel),
    (ids) => ids.length === 1
  )
  return holderStub(id!)
}

/** What the GRIP origin received so far on `/grip/<kind>/<channel>`. */
export async function originLog(kind: string, channel: string): Promise<GripLogEntry[]> {
  const all = (await (await fetch('http://origin.test/grip/log')).json()) as GripLogEntry[]
  return all.filter((entry) => entry.path.startsWith(`/grip/${kind}/${channel}`))
}

/** Reads a streamed body chunk by chunk; `text` is everything read so far. */
export function streamReader(response: Response) {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  return {
    get text() {
      return text
    },
    /** Reads until the text contains `expected`. */
    async until(expected: string): Promise<string> {
      while (!text.includes(expected)) {
        const { done, value } = await reader.read()
        if (done) throw new Error(`stream ended before ${JSON.stringify(expected)}: ${text}`)
        text += decoder.decode(value, { stream: true })
      }
      return text
    },
    cancel: () => reader.cancel(),
  }
}
