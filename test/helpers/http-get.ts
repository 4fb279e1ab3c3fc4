/**
 * A plain HTTP/1.1 request over node:http. Unlike fetch, it sends exactly the headers
 * given: fetch adds `Cache-Control: no-cache` to conditional requests (Fetch standard,
 * HTTP-network-or-cache fetch), which would hide what an edge cache does with them.
 */
import http from 'node:http'

export interface PlainResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}
