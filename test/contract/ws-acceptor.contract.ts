/**
 * The `WebSocketAcceptor` contract (src/ws-socket.ts): every way a platform completes a
 * client's upgrade (Node's over `ws`, the FakeWsAcceptor of the fuzz gateway) runs this
 * suite from its own test file. The harness upgrades one client through `accept` and drives
 * the client's end of the socket. Never run directly: the name does not match vitest's
 * include pattern.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WsHandler, WsSocket } from '../../src/ws-socket.ts'

/** What a client received or saw, as the harness reports it. */
export interface ClientMessage {
  data: string | Uint8Array
  binary: boolean
}

/** The client's end of one accepted socket. */
export interface ClientEnd {
  /** The fields of the upgrade's answer, names in lower case. */
  upgradeHeaders: Record<string, string>
  send(data: string | Uint8Array): void
  close(code: number, reason: string): void
  /** Resolves with the `count`-th message the client received (1-based), when it has. */
  message(count: number): Promise<ClientMessage>
  /** Resolves with the code and reason of the close the client received. */
  closed(): Promise<{ code: number; reason: string }>
}

/** One acceptor, upgrading clients on request. */
export interface AcceptorUnderTest {
  /** Upgrades a new client through `acceptor.accept(c, headers, handler)`. */
  connect(headers: Headers, handler: WsHandler): Promise<ClientEnd>
  /** Stops whatever `make` started. */
  close(): Promise<void>
}

/** How the suite builds what it tests. */
export interface AcceptorContractOptions {
  make: () => AcceptorUnderTest | Promise<AcceptorUnderTest>
}

/** A handler that records what the acceptor told it. */
class RecordingHandler implements WsHandler {
  readonly opened: WsSocket[] = []
  readonly messages: Array<{ text: string; binary: boolean }> = []
  readonly closes: Array<{ code: number | undefined; reason: string; clean: boolean }> = []
  readonly #waiters: Array<() => void> = []

  onOpen(socket: WsSocket): void {
    this.opened.push(socket)
    this.#wake()
  }
  onMessage(data: Uint8Array, binary: boolean): void {
    this.messages.push({ text: new TextDecoder().decode(data), binary })
    this.#wake()
  }
  onPing(): void {}
  onPong(): void {}
  onClose(code: number | undefined, reason: string, clean: boolean): void {
    this.closes.push({ code, reason, clean })
    this.#wake()
  }

  /** Resolves once `check` holds; the suite's test timeout bounds the wait. */
  async until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((wake) => this.#waiters.push(wake))
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake()
  }
}

/** Runs the shared `WebSocketAcceptor` contract against acceptors built by `make`. */
export function runWebSocketAcceptorContract(name: string, options: AcceptorContractOptions): void {
  describe(`WebSocketAcceptor contract: ${name}`, () => {
    let under: AcceptorUnderTest
    let handler: RecordingHandler
    let client: ClientEnd
    beforeEach(async () => {
      under = await options.make()
      handler = new RecordingHandler()
      client = await under.connect(new Headers({ 'x-accepted': 'yes' }), handler)
      await handler.until(() => handler.opened.length > 0)
    })
    afterEach(() => under.close())

    it('opens the handler once, with the given fields on the upgrade answer', () => {
      expect(handler.opened).toHaveLength(1)
      expect(client.upgradeHeaders['x-accepted']).toBe('yes')
    })

    it("hands the client's text and binary messages to the handler as bytes", async () => {
      client.send('hello')
      client.send(new Uint8Array([1, 2, 3]))
      await handler.until(() => handler.messages.length === 2)
      expect(handler.messages).toEqual([
        { text: 'hello', binary: false },
        { text: '\u0001\u0002\u0003', binary: true },
      ])
    })

    it("sends the handler's text and bytes to the client as they are", async () => {
      const socket = handler.opened[0]!
      socket.send('hi')
      socket.send(new Uint8Array([4, 5]))
      expect(await client.message(1)).toEqual({ data: 'hi', binary: false })
      expect(await client.message(2)).toEqual({ data: new Uint8Array([4, 5]), binary: true })
    })

    it("closes the client with the handler's code and reason, and says it closed", async () => {
      handler.opened[0]!.close(4000, 'bye')
      expect(await client.closed()).toEqual({ code: 4000, reason: 'bye' })
      await handler.until(() => handler.closes.length > 0)
      expect(handler.closes).toHaveLength(1)
    })

    it("tells the handler the client's close code and reason, as a clean close", async () => {
      client.close(4001, 'done')
      await handler.until(() => handler.closes.length > 0)
      expect(handler.closes).toEqual([{ code: 4001, reason: 'done', clean: true }])
    })
  })
}
