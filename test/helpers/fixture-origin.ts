/**
 * A real HTTP origin on 127.0.0.1 for integration tests: each path's answer is set by
 * the test, and every request it receives is recorded.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the origin answers for a path. */
export interface Scripted {
  status?: number
  headers?: Record<string, string>
  body?: string
  /** Milliseconds to wait before answering. */
  delayMs?: number
}

export interface RecordedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
}

/** A running fixture origin. */
export interface FixtureOrigin {
  url: string
  port: number
  requests: RecordedRequest[]
  /** Sets the answer for `path`; a function gets the request and the count so far. */
  on(
    path: string,
    answer: Scripted | ((req: http.IncomingMessage, count: number) => Scripted)
  ): void
  hits(path: string): number
  close(): Promise<void>
}

/** Starts a fixture origin on an ephemeral port. */
export async function startFixtureOrigin(): Promise<FixtureOrigin> {
  const answers = new Map<
    string,
    Scripted | ((req: http.IncomingMessage, count: number) => Scripted)
  >()
  const requests: RecordedRequest[] = []
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers })
    const count = requests.filter((r) => r.path === path).length
    const answer = answers.get(path.split('?')[0] ?? path) ?? { status: 404, body: 'not scripted' }
    const scripted = typeof answer === 'function' ? answer(req, count) : answer
    const send = () => {
      res.writeHead(scripted.status ?? 200, scripted.headers ?? {})
      res.end(req.method === 'HEAD' ? undefined : (scripted.body ?? ''))
    }
    req.resume()
    if (scripted.delayMs) setTimeout(send, scripted.delayMs)
    else send()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    on: (path, answer) => answers.set(path, answer),
    hits: (path) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
