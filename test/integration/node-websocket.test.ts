/**
 * Node's WebSocket acceptor (edge/node/websocket.ts) over `ws`, fed by the server's upgrade
 * listener (edge/node/websocket-upgrades.ts), with real clients on 127.0.0.1.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { WebSocketServer } from 'ws'
import { nodeWebSocketAcceptor } from '../../edge/node/websocket.ts'
import { takeWebSocketUpgrades } from '../../edge/node/websocket-upgrades.ts'
import type { WsHandler } from '../../src/ws-socket.ts'
import { runWebSocketAcceptorContract } from '../contract/ws-acceptor.contract.ts'
import { connectWs, until, type WsClient } from '../helpers/ws-client.ts'

runWebSocketAcceptorContract('nodeWebSocketAcceptor', {
  make: async () => {
    // What the next upgrade is accepted with; set by `connect` just before it connects.
    let next: { headers: Headers; handler: WsHandler } | undefined
    const app = new Hono().get('/ws', (c) => {
      if (!next) throw new Error('an upgrade nobody asked for')
      return nodeWebSocketAcceptor.accept(c, next.headers, next.handler)
    })
    const wss = new WebSocketServer({ noServer: true })
    const server = createAdaptorServer({ fetch: app.fetch }) as Server
    takeWebSocketUpgrades(server, wss, app.fetch)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const clients: WsClient[] = []
    return {
      async connect(headers, handler) {
        next = { headers, handler }
        const client = await connectWs(`ws://127.0.0.1:${port}/ws`)
        clients.push(client)
        return {
          upgradeHeaders: Object.fromEntries(
            Object.entries(client.upgradeHeaders).map(([name, value]) => [name, String(value)])
          ),
          send: (data) => client.ws.send(data, { binary: typeof data !== 'string' }),
          close: (code, reason) => client.ws.close(code, reason),
          async message(count) {
            await until(() => client.messages.length >= count, 5000, `message ${count}`)
            return client.messages[count - 1]!
          },
          closed: () => client.waitClose(),
        }
      },
      async close() {
        for (const client of clients) client.ws.terminate()
        for (const socket of wss.clients) socket.terminate()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      },
    }
  },
})
