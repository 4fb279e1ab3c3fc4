// The origin of the cache-hit benchmark: one cacheable 1 KiB JSON body at every path.
import http from 'node:http'

const body = JSON.stringify({ items: 'x'.repeat(1000) })
const server = http.createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'cache-control': 'public, max-age=3600',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'))
process.once('SIGTERM', () => process.exit(0))
