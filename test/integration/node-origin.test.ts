/**
 * NodeOrigin against real servers on 127.0.0.1: the contract origin, one that never answers
 * and a port nobody listens on.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { NodeOrigin } from '../../edge/node/origin.ts'
import { runOriginContract } from '../contract/origin.contract.ts'
import { contractOrigin } from '../helpers/contract-origin.ts'

/** Starts `server` on an ephemeral port; resolves with its URL and a way to stop it. */
async function listen(server: http.Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

runOriginContract('NodeOrigin', {
  make: async () => {
    const answering = await listen(http.createServer(getRequestListener(contractOrigin)))
    // Takes every request and never answers it.
    const silent = await listen(http.createServer((req) => req.resume()))
    // A port that was free a moment ago: connecting to it is refused.
    const gone = await listen(http.createServer())
    await gone.close()
    const origin = new NodeOrigin()
    return {
      origin,
      answering: { url: answering.url, timeoutMs: 300 },
      unreachable: { url: gone.url, timeoutMs: 5000 },
      silent: { url: silent.url, timeoutMs: 100 },
      close: async () => {
        origin.close()
        await Promise.all([answering.close(), silent.close()])
      },
    }
  },
})
