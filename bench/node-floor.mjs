// The Node floor: the least a node:http server can do for the bench's workloads, with no
// gateway at all. SSE subscribers are held responses written with `res.write`, WebSocket
// subscribers are plain `ws` sockets (the storm's, on /events/*, get `: open`), a POST /pub body goes to every subscriber, and every
// other GET answers the static origin's 1 KiB body from memory. It is a reference for what
// Node itself costs (memory per connection, write path, request handling), not a peer.
// With WORKERS=N it runs as N node:cluster workers on one port (round-robin, as gripgate's
// `--workers`), and a POST /pub on any worker reaches the subscribers of every worker through
// the primary over IPC: the least a fan-out across processes costs, with no broker.
import cluster from 'node:cluster'
import http from 'node:http'
import { WebSocketServer } from 'ws'

const WORKERS = Number(process.env.WORKERS ?? 1)
if (WORKERS > 1 && cluster.isPrimary) {
  let listening = 0
  for (let i = 0; i < WORKERS; i++) cluster.fork()
  cluster.on('message', (_worker, message) => {
    if (message === 'listening' && ++listening === WORKERS) process.stdout.write('ready\n')
    else if (message?.pub !== undefined)
      for (const worker of Object.values(cluster.workers ?? {})) worker?.send(message)
  })
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
    process.exit(0)
  })
} else startWorker()

function startWorker() {
  const cached = Buffer.from(JSON.stringify({ items: 'x'.repeat(1000) }))
  const streams = new Set()
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })

  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/pub') {
      const chunks = []
      req.on('data', (chunk) => chunks.push(chunk))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        if (WORKERS > 1) process.send({ pub: body.toString() })
        else deliver(body)
        res.writeHead(204)
        res.end()
      })
      return
    }
    // The reconnect storm's subscribers (bench/storm.ts): the storm origin's cached answer, held.
    if (req.url.startsWith('/events/')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write(': open\n\n')
      streams.add(res)
      res.on('close', () => streams.delete(res))
      return
    }
    if (req.url === '/sub') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write('event: ready\ndata: x\n\n')
      streams.add(res)
      res.on('close', () => streams.delete(res))
      return
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'public, max-age=3600',
      'content-length': cached.length,
    })
    res.end(cached)
  })
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/sub') return socket.destroy()
    wss.handleUpgrade(req, socket, head, (ws) => ws.send('ready'))
  })
  function deliver(body) {
    const event = Buffer.from(`data: ${body}\n\n`)
    for (const stream of streams) stream.write(event)
    for (const socket of wss.clients) socket.send(body, { binary: false })
  }
  process.on('message', (message) => {
    if (message?.pub !== undefined) deliver(Buffer.from(message.pub))
  })
  server.listen(Number(process.env.PORT), '127.0.0.1', () => {
    if (WORKERS > 1) process.send('listening')
    else process.stdout.write('ready\n')
  })
  process.once('SIGTERM', () => process.exit(0))
}
