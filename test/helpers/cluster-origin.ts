/**
 * The origin the cluster tests put behind every node: versioned plain resources (cacheable,
 * tagged with their own name) and an SSE hold on channel `live` (cacheable too, so the held
 * instruction itself is purged on every node when `live` is published).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ClusterOrigin {
  url: string
  /** Current version of each resource; `GET /<name>` answers it. */
  value: Map<string, number>
  close(): Promise<void>
}

export async function startClusterOrigin(): Promise<ClusterOrigin> {
  const value = new Map<string, number>()
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path.startsWith('/live')) {
      const channel = path.slice(1)
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'grip-hold': 'stream',
        'grip-channel': channel,
      })
      res.end('event: open\ndata: start\n\n')
      return
    }
    const name = path.slice(1)
    res.writeHead(200, {
      'content-type': 'text/plain',
      'cache-control': 'public, max-age=300',
      'surrogate-key': name,
    })
    res.end(String(value.get(name) ?? 0))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    value,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
