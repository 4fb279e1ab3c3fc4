// The reconnect storm's origin (bench/storm.ts): node:http only. It keeps every event the
// bench records, answers SSE stream holds on /events/<channel>, and counts those requests.
//   ?mode=cached  a cacheable hold with no ids: what a CDN-friendly origin sends
//   ?mode=origin  the reliable GRIP pattern without gateway history: the events after the
//                 client's Last-Event-ID (or Grip-Last on recovery) in the body, prev-id of
//                 the newest event, and a next link to recover through
// POST /record {channel, id, content} stores an event; GET /stats, POST /reset-stats count.
import http from 'node:http'

const events = new Map()
let requests = 0

function lastSeen(req, channel) {
  const gripLast = req.headers['grip-last']
  if (gripLast) {
    for (const part of String(gripLast).split(',')) {
      const [name, ...params] = part.split(';').map((s) => s.trim())
      const last = params.find((p) => p.startsWith('last-id='))
      if (name === channel && last) return Number(last.slice(8))
    }
  }
  const header = req.headers['last-event-id']
  return header === undefined ? undefined : Number(header)
}

function hold(req, res, channel, mode) {
  requests += 1
  if (mode === 'cached') {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'public, max-age=300',
      'grip-hold': 'stream',
      'grip-channel': channel,
    })
    res.end(': open\n\n')
    return
  }
  const list = events.get(channel) ?? []
  const last = lastSeen(req, channel)
  const missed = last === undefined ? [] : list.filter((e) => e.id > last)
  const newest = list.at(-1)?.id
  const headers = {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    'grip-hold': 'stream',
    'grip-channel': newest === undefined ? channel : `${channel}; prev-id=${newest}`,
    'grip-link': `</events/${channel}?mode=origin>; rel=next; timeout=120`,
  }
  res.writeHead(200, headers)
  res.end(`: open\n\n${missed.map((e) => e.content).join('')}`)
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://origin')
  if (req.method === 'POST' && url.pathname === '/record') {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      for (const e of JSON.parse(body)) {
        const list = events.get(e.channel) ?? []
        list.push({ id: e.id, content: e.content })
        events.set(e.channel, list)
      }
      res.end('ok')
    })
    return
  }
  if (url.pathname === '/stats') return res.end(JSON.stringify({ requests }))
  if (url.pathname === '/reset-stats') {
    requests = 0
    return res.end('ok')
  }
  const match = /^\/events\/([^/]+)$/.exec(url.pathname)
  if (match) return hold(req, res, match[1], url.searchParams.get('mode') ?? 'origin')
  res.writeHead(404)
  res.end()
})
server.keepAliveTimeout = 60_000
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
