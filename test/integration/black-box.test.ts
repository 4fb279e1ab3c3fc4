/**
 * The black-box suite (test/helpers/black-box-cases.ts) against Node: the gateway in-process
 * on a real port (startGateway, front door included), the black-box origin on a node:http
 * server, and an origin address where nothing listens. Requests go through node:http, which,
 * unlike fetch, sends hop-by-hop fields and a Host field as given.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleLogger } from '../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import {
  BLACK_BOX_CASES,
  type CaseRequest,
  compareAnswer,
  describeBlackBox,
} from '../helpers/black-box-cases.ts'
import { BB_PUBLISH_KEY, BB_PUBLISH_KEY_ENV, blackBoxConfig } from '../helpers/black-box-config.ts'
import { blackBoxOrigin } from '../helpers/black-box-origin.ts'

let origin: http.Server
let gateway: RunningGateway
let unreachable: string
const vars: Record<string, string> = {
  run: crypto.randomUUID().slice(0, 8),
  client: '127.0.0.1',
  proto: 'http',
}

/** Serves the web-handler origin on node:http. */
function serve(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', async () => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined
    const answer = await blackBoxOrigin(
      new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body })
    )
    res.writeHead(answer.status, Object.fromEntries(answer.headers))
    res.end(Buffer.from(await answer.arrayBuffer()))
  })
}

/** An address where nothing listens: a port bound, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function send(request: CaseRequest): Promise<{ status: number; headers: Headers; body: string }> {
  const url = new URL(gateway.url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: url.port,
        method: request.method ?? 'GET',
        path: request.path,
        headers: { host: request.host ?? 'gw.test', ...request.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined)
              headers.set(name, Array.isArray(value) ? value.join(', ') : value)
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() })
        })
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(request.body)
  })
}

beforeAll(async () => {
  origin = http.createServer(serve)
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
  const { port } = origin.address() as AddressInfo
  unreachable = `127.0.0.1:${await closedPort()}`
  vars.unreachable = unreachable
  const config = parseConfig(
    blackBoxConfig({ app: `http://127.0.0.1:${port}`, unreachable: `http://${unreachable}` }),
    { [BB_PUBLISH_KEY_ENV]: BB_PUBLISH_KEY }
  )
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  gateway = await startGateway({
    config: config.value,
    port: 0,
    host: '127.0.0.1',
    logger: consoleLogger('error'),
  })
})

afterAll(async () => {
  await gateway?.close(0)
  await new Promise<void>((resolve) => {
    origin.close(() => resolve())
    origin.closeAllConnections()
  })
})

describeBlackBox('the black-box cases on Node', 'node', send, vars)

// The suite is only as strict as its comparer: it must report every mismatch of an answer.
describe('the black-box comparer', () => {
  const find = (prefix: string) => BLACK_BOX_CASES.find((c) => c.name.startsWith(prefix))!

  it('reports every mismatch at once, including a body that must not be there', () => {
    const answer = {
      status: 200,
      headers: new Headers({ 'content-type': 'text/plain' }),
      body: 'reached the black-box origin at //_gripgate/x',
    }
    expect(compareAnswer(find('//_gripgate/x'), 'node', answer, {})).toHaveLength(4)
  })

  it('checks absent fields and applies a platform difference key by key', () => {
    const echo = find('hop-by-hop')
    const seen = { 'x-hop': '1', 'grip-feature': 'status, link:next', host: 'gw.test' }
    const answer = {
      status: 200,
      headers: new Headers(),
      body: JSON.stringify({ method: 'GET', headers: seen }),
    }
    const mismatches = compareAnswer(echo, 'fastly', answer, { client: '1.2.3.4', proto: 'https' })
    expect(mismatches).toContain('json.headers.x-hop: expected absent, got "1"')
    expect(mismatches).toContain(
      'json.headers.grip-feature: expected absent, got "status, link:next"'
    )
    expect(mismatches).toContain('json.headers.x-forwarded-for: expected "1.2.3.4", got undefined')
    expect(mismatches.some((line) => line.startsWith('json.headers.host'))).toBe(false)
  })
})
