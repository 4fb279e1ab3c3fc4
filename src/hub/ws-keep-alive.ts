/**
 * The `keep-alive` control message (GRIP.md §7.4): a message sent to the client while the
 * connection is quiet (`idle`) or at a fixed period (`interval`). One timer per socket,
 * without per-message churn: a quiet check happens when it fires.
 * @module
 */
import type { Clock } from '../platform.ts'
import { doNothing } from '../timers.ts'

/** A keep-alive message for the client. */
export interface KeepAliveMessage {
  type: 'text' | 'binary' | 'ping' | 'pong'
  content: Uint8Array
}

/** The settings of a keep-alive control message. */
export interface KeepAliveSettings {
  content: Uint8Array | undefined
  messageType: 'text' | 'binary' | 'ping' | 'pong'
  timeoutSec: number
  mode: 'idle' | 'interval'
}

/** A keep-alive's state as plain data, to rebuild it after its host slept. */
export interface KeepAliveSnapshot {
  settings: KeepAliveSettings
  /** When traffic last went to the client (ms since the epoch). */
  lastActivity: number
  /** When the timer next fires (ms since the epoch). */
  dueAt: number
}

export class WsKeepAlive {
  readonly #clock: Clock
  readonly #send: (message: KeepAliveMessage) => void
  readonly #onArm: () => void
  #settings: KeepAliveSettings | undefined
  #lastActivity: number
  #dueAt = 0
  #cancel: () => void = doNothing

  /** `onArm` hears every new due time (for hosts that save `snapshot()`). */
  constructor(
    clock: Clock,
    send: (message: KeepAliveMessage) => void,
    onArm: () => void = doNothing
  ) {
    this.#clock = clock
    this.#send = send
    this.#onArm = onArm
    this.#lastActivity = clock.now()
  }

  /** Applies a keep-alive control message; no content turns keep-alives off. */
  configure(settings: KeepAliveSettings): void {
    this.stop()
    if (!settings.content) return
    this.#settings = settings
    this.#arm(settings.timeoutSec * 1000)
  }

  /** Records traffic to the client (an idle keep-alive waits for quiet). */
  touch(): void {
    this.#lastActivity = this.#clock.now()
  }

  /** The running keep-alive as data; `undefined` when keep-alives are off. */
  snapshot(): KeepAliveSnapshot | undefined {
    const settings = this.#settings
    if (!settings?.content) return undefined
    return { settings, lastActivity: this.#lastActivity, dueAt: this.#dueAt }
  }

  /** Resumes a keep-alive from `snapshot`; a due time already past fires at once. */
  restore(snapshot: KeepAliveSnapshot): void {
    this.stop()
    this.#settings = snapshot.settings
    this.#lastActivity = snapshot.lastActivity
    this.#arm(Math.max(0, snapshot.dueAt - this.#clock.now()))
  }

  stop(): void {
    this.#cancel()
    this.#cancel = doNothing
    this.#settings = undefined
  }

  #arm(delayMs: number): void {
    this.#dueAt = this.#clock.now() + delayMs
    this.#cancel = this.#clock.schedule(delayMs, () => {
      const settings = this.#settings
      if (!settings?.content) return
      const periodMs = settings.timeoutSec * 1000
      const quietMs = this.#clock.now() - this.#lastActivity
      if (settings.mode === 'idle' && quietMs < periodMs) return this.#arm(periodMs - quietMs)
      this.#send({ type: settings.messageType, content: settings.content })
      this.touch()
      this.#arm(periodMs)
    })
    this.#onArm()
  }
}
