import { describe, expect, it } from 'vitest'
import {
  type ChannelDirectory,
  ChannelRegistry,
} from '../../edge/cloudflare/fanout/channel-registry.ts'
import { captureLogger } from './helpers.ts'

/** A directory whose calls wait until the test releases them, one by one. */
class ManualDirectory implements ChannelDirectory {
  readonly calls: string[] = []
  readonly #waiting: Array<() => void> = []
  lastId: string | undefined
  failNext = false
  /** Answers immediately instead of waiting. */
  auto = false

  register(channel: string): Promise<{ lastId?: string }> {
    return this.#call(`+${channel}`).then(() => (this.lastId ? { lastId: this.lastId } : {}))
  }

  unregister(channel: string): Promise<void> {
    return this.#call(`-${channel}`)
  }

  /** Lets the oldest waiting call complete. */
  async release(): Promise<void> {
    this.#waiting.shift()?.()
    await settle()
  }

  #call(name: string): Promise<void> {
    this.calls.push(name)
    if (this.failNext) {
      this.failNext = false
      return Promise.reject(new Error('room unreachable'))
    }
    if (this.auto) return Promise.resolve()
    return new Promise((resolve) => this.#waiting.push(resolve))
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

function setup() {
  const directory = new ManualDirectory()
  const seeded: string[] = []
  const logger = captureLogger()
  const registry = new ChannelRegistry(directory, logger, (channel, id) =>
    seeded.push(`${channel}=${id}`)
  )
  return { directory, registry, seeded, logger }
}

describe('ChannelRegistry', () => {
  it('registers a channel once when it opens and seeds the room’s last id', async () => {
    const { directory, registry, seeded } = setup()
    directory.lastId = '41'
    registry.opened('a')
    await settle()
    await directory.release()
    expect(directory.calls).toEqual(['+a'])
    expect(seeded).toEqual(['a=41'])
    expect(registry.registered()).toEqual(['a'])
  })

  it('keeps one call in flight per channel, in order, and ends in the last wanted state', async () => {
    const { directory, registry } = setup()
    registry.opened('a')
    await settle()
    expect(directory.calls).toEqual(['+a'])
    // While the register is in flight the channel flaps; each step reads the state it finds.
    registry.closed('a')
    registry.opened('a')
    registry.closed('a')
    await settle()
    expect(directory.calls).toEqual(['+a'])
    await directory.release()
    expect(directory.calls).toEqual(['+a', '-a'])
    await directory.release()
    expect(directory.calls).toEqual(['+a', '-a'])
    expect(registry.registered()).toEqual([])
  })

  it('registers pinned channels before a hold starts and lets go when nobody subscribed', async () => {
    const { directory, registry } = setup()
    directory.auto = true
    const unpin = registry.pin(['a', 'b'])
    await registry.settled(['a', 'b'])
    expect(directory.calls).toEqual(['+a', '+b'])
    registry.opened('a')
    unpin()
    await registry.settled(['a', 'b'])
    expect(directory.calls).toEqual(['+a', '+b', '-b'])
    expect(registry.registered()).toEqual(['a'])
  })

  it('tries again on the next change after a failed call', async () => {
    const { directory, registry, logger } = setup()
    directory.auto = true
    directory.failNext = true
    registry.opened('a')
    await registry.settled(['a'])
    expect(logger.lines.map((line) => line.msg)).toContain('channel registration failed')
    expect(registry.registered()).toEqual([])
    registry.opened('a')
    await registry.settled(['a'])
    expect(directory.calls).toEqual(['+a', '+a'])
    expect(registry.registered()).toEqual(['a'])
  })

  it('unregisters a channel a publish came for when nobody here wants it', async () => {
    const { directory, registry } = setup()
    directory.auto = true
    registry.stale('gone')
    await registry.settled(['gone'])
    expect(directory.calls).toEqual(['-gone'])
    registry.opened('kept')
    registry.stale('kept')
    await registry.settled(['kept'])
    expect(directory.calls).toEqual(['-gone', '+kept'])
  })

  it('trusts the room after a hibernation: restored channels are not registered again', async () => {
    const { directory, registry } = setup()
    directory.auto = true
    registry.assumeRegistered('a')
    registry.opened('a')
    await registry.settled(['a'])
    expect(directory.calls).toEqual([])
    registry.closed('a')
    await registry.settled(['a'])
    expect(directory.calls).toEqual(['-a'])
  })
})
