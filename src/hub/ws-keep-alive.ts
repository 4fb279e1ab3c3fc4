/**
 * The `keep-alive` control message (GRIP.md §7.4): a message sent to the client while the
 * connection is quiet (`idle`) or at a fixed period (`interval`). One timer per socket,
 * without per-message churn: a quiet check happens when it fires.
 * @module
 */
import type { Clock } from '../platform.ts'

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

export class WsKeepAlive {
  readonly #clock: Clock
  readonly #send: (message: KeepAliveMessage) => void
  #settings: KeepAliveSettings | undefined
  #lastActivity: number
  #cancel: () => void = () => {}

  constructor(clock: Clock, send: (message: KeepAliveMessage) => void) {
    this.#clock = clock
    this.#send = send
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

  stop(): void {
    this.#cancel()
    this.#cancel = () => {}
    this.#settings = undefined
  }

  #arm(delayMs: number): void {
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
  }
}
