/**
 * NodeOrigin against real servers on 127.0.0.1: the contract origin, one that never answers
 * and a port nobody listens on.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { describe, expect, it } from 'vitest'
import { NodeOrigin } from '../../edge/node/origin.ts'
import { wholeBodyOf } from '../../src/http/whole-body.ts'
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

describe('NodeOrigin: bodies that arrive with their head', () => {
  it('answers a small body sent with its head as whole bytes, a late one as a stream', async () => {
    let late: http.ServerResponse | undefined
    const server = http.createServer((req, res) => {
      req.resume()
      if (req.url === '/sized') res.end('sized body')
      else if (req.url === '/chunked') {
        // writeHead first: Node frames what end() sends as one chunk and the last chunk.
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.end('data: 1\n\n')
      } else {
        res.writeHead(200, { 'content-length': '4' })
        res.write('la')
        late = res
        setTimeout(() => res.end('te'), 100)
      }
    })
    let connections = 0
    server.on('connection', () => {
      connections += 1
    })
    const answering = await listen(server)
    const origin = new NodeOrigin()
    const get = (path: string) =>
      origin.fetch(new Request(`${answering.url}${path}`), { url: answering.url, timeoutMs: 5000 })
    try {
      const sized = await get('/sized')
      expect(new TextDecoder().decode(wholeBodyOf(sized)?.bytes)).toBe('sized body')
      expect(await sized.text()).toBe('sized body')
      const chunked = await get('/chunked')
      expect(chunked.headers.get('transfer-encoding')).toBe('chunked')
      expect(new TextDecoder().decode(wholeBodyOf(chunked)?.bytes)).toBe('data: 1\n\n')
      const streamed = await get('/late')
      expect(wholeBodyOf(streamed)).toBeUndefined()
      expect(await streamed.text()).toBe('late')
      expect(late?.writableEnded).toBe(true)
      // Taking a whole body ends the answer: the pooled connection served every request.
      expect(connections).toBe(1)
    } finally {
      origin.close()
      await answering.close()
    }
  })
})
