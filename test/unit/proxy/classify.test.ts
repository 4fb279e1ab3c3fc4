import { describe, expect, it } from 'vitest'
import type { RouteConfig } from '../../../src/config/types.ts'
import type { GripSigState } from '../../../src/grip/fanout-sig.ts'
import {
  acceptsEventStream,
  type Classification,
  classifyRequest,
  isAdminPath,
} from '../../../src/proxy/classify.ts'

const ROUTES: RouteConfig[] = [
  { path: '/live/*', origin: 'app', cache: false, realtime: true },
  { path: '/api/*', host: 'api.example', origin: 'api', cache: 'origin' },
  { path: '/*', origin: 'app', cache: 'origin' },
]
const [LIVE, API, ALL] = ROUTES as [RouteConfig, RouteConfig, RouteConfig]

type Row = {
  name: string
  method?: string
  url?: string
  headers?: Record<string, string>
  sig?: GripSigState
  publishPath?: string | null
  want: Classification
}

const SSE = { accept: 'text/event-stream' }
const WS = { upgrade: 'websocket', connection: 'Upgrade' }

// ARCHITECTURE.md "classify": realtime (WS, SSE, realtime route) without a valid Grip-Sig →
// handoff; a valid Grip-Sig (Fanout calling back) → the pull path; everything else → pull.
const table: Row[] = [
  { name: 'plain GET', want: { kind: 'pull', route: ALL, trusted: false } },
  { name: 'HEAD', method: 'HEAD', want: { kind: 'pull', route: ALL, trusted: false } },
  { name: 'POST', method: 'POST', want: { kind: 'pull', route: ALL, trusted: false } },
  {
    name: 'WebSocket upgrade',
    headers: WS,
    want: { kind: 'handoff', route: ALL, reason: 'websocket' },
  },
  {
    name: 'upgrade header in another case',
    headers: { upgrade: 'WebSocket' },
    want: { kind: 'handoff', route: ALL, reason: 'websocket' },
  },
  {
    name: 'WebSocket upgrade with POST is not an upgrade',
    method: 'POST',
    headers: WS,
    want: { kind: 'pull', route: ALL, trusted: false },
  },
  {
    name: 'Accept: text/event-stream',
    headers: SSE,
    want: { kind: 'handoff', route: ALL, reason: 'event-stream' },
  },
  {
    name: 'event-stream among other types',
    headers: { accept: 'application/json, text/event-stream;q=0.5' },
    want: { kind: 'handoff', route: ALL, reason: 'event-stream' },
  },
  {
    name: 'event-stream with q=0 is refused, not asked for',
    headers: { accept: 'text/event-stream;q=0, */*' },
    want: { kind: 'pull', route: ALL, trusted: false },
  },
  {
    name: 'Accept: */* alone',
    headers: { accept: '*/*' },
    want: { kind: 'pull', route: ALL, trusted: false },
  },
  {
    name: 'realtime route, plain GET',
    url: 'https://edge.example/live/feed',
    want: { kind: 'handoff', route: LIVE, reason: 'realtime-route' },
  },
  {
    name: 'realtime route, POST (long-poll by POST)',
    method: 'POST',
    url: 'https://edge.example/live/feed',
    want: { kind: 'handoff', route: LIVE, reason: 'realtime-route' },
  },
  {
    name: 'realtime route, WebSocket',
    url: 'https://edge.example/live/ws',
    headers: WS,
    want: { kind: 'handoff', route: LIVE, reason: 'websocket' },
  },
  {
    name: 'Fanout calling back on a realtime route',
    url: 'https://edge.example/live/feed',
    sig: 'valid',
    want: { kind: 'pull', route: LIVE, trusted: true },
  },
  {
    name: 'Fanout calling back with Accept: text/event-stream',
    headers: SSE,
    sig: 'valid',
    want: { kind: 'pull', route: ALL, trusted: true },
  },
  {
    name: 'Fanout WebSocket-over-HTTP POST',
    method: 'POST',
    headers: { 'content-type': 'application/websocket-events' },
    sig: 'valid',
    want: { kind: 'pull', route: ALL, trusted: true },
  },
  { name: 'forged Grip-Sig', headers: SSE, sig: 'invalid', want: { kind: 'bad-signature' } },
  {
    name: 'forged Grip-Sig on a plain GET',
    sig: 'invalid',
    want: { kind: 'bad-signature' },
  },
  {
    name: 'host-restricted route',
    url: 'https://api.example/api/x',
    want: { kind: 'pull', route: API, trusted: false },
  },
  {
    name: 'root path',
    url: 'https://edge.example/',
    publishPath: '/publish/',
    want: { kind: 'pull', route: ALL, trusted: false },
  },
  { name: 'publish path', method: 'POST', url: 'https://e.x/publish/', want: { kind: 'publish' } },
  { name: 'publish path without slash', url: 'https://e.x/publish', want: { kind: 'publish' } },
  {
    name: 'publish path wins over a forged signature',
    url: 'https://e.x/publish/',
    sig: 'invalid',
    want: { kind: 'publish' },
  },
  {
    name: 'custom publish path',
    url: 'https://e.x/_pub',
    publishPath: '/_pub/',
    want: { kind: 'publish' },
  },
  {
    name: "pushpin-publish's form of a GRIP URL with a key",
    method: 'POST',
    url: 'http://127.0.0.1:8080/?iss=realm&key=k1/publish/',
    want: { kind: 'publish', urlKey: { key: 'k1' } },
  },
  {
    name: "pushpin-publish's form without a key",
    url: 'http://127.0.0.1:8080/?iss=realm/publish/',
    want: { kind: 'publish', urlKey: { key: undefined } },
  },
  {
    name: 'a key in the query of the publish path itself is no credential',
    url: 'http://127.0.0.1:8080/publish/?key=k1',
    want: { kind: 'publish' },
  },
  { name: 'purge endpoint', url: 'https://e.x/_gripgate/purge', want: { kind: 'purge' } },
  { name: 'stats endpoint', url: 'https://e.x/_gripgate/stats', want: { kind: 'stats' } },
  { name: 'other admin path', url: 'https://e.x/_gripgate/nope', want: { kind: 'not-found' } },
  {
    name: 'publish not configured: the path is an ordinary route',
    url: 'https://e.x/publish/',
    publishPath: null,
    want: { kind: 'pull', route: ALL, trusted: false },
  },
  {
    name: 'publish not configured: purge is not mounted',
    url: 'https://e.x/_gripgate/purge',
    publishPath: null,
    want: { kind: 'not-found' },
  },
  {
    name: 'the admin prefix percent-encoded is still the admin prefix',
    url: 'https://e.x/%5Fgripgate/anything',
    want: { kind: 'not-found' },
  },
  { name: 'the bare admin prefix', url: 'https://e.x/_gripgate', want: { kind: 'not-found' } },
]

describe('classifyRequest (decided before any handoff)', () => {
  it.each(table)('$name', (row) => {
    const request = new Request(row.url ?? 'https://edge.example/page', {
      method: row.method ?? 'GET',
      headers: row.headers ?? {},
    })
    const publishPath = row.publishPath === undefined ? '/publish/' : row.publishPath
    const got = classifyRequest(request, {
      routes: ROUTES,
      ...(publishPath === null ? {} : { publishPath }),
      gripSig: row.sig ?? 'absent',
    })
    expect(got).toEqual(row.want)
  })

  it('answers not-found when no route matches', () => {
    const request = new Request('https://edge.example/x')
    expect(classifyRequest(request, { routes: [API], gripSig: 'absent' })).toEqual({
      kind: 'not-found',
    })
  })
})

describe('acceptsEventStream', () => {
  it.each([
    [null, false],
    ['', false],
    ['text/event-stream', true],
    ['TEXT/EVENT-STREAM', true],
    ['text/event-stream; charset=utf-8', true],
    ['text/event-stream;q=0.0', false],
    ['text/*', false],
    ['text/event-streams', false],
  ])('%j → %s', (accept, want) => {
    expect(acceptsEventStream(accept)).toBe(want)
  })
})

describe('isAdminPath', () => {
  it.each<[string, boolean]>([
    ['/_gripgate/', true],
    ['/_gripgate/purge', true],
    ['/_gripgate', true],
    ['/%5Fgripgate/purge', true],
    ['/%5fgripgate/x', true],
    ['/_gripgat%65/x', true],
    // Only unreserved characters are decoded: an encoded "/" is a different path.
    ['//_gripgate/purge', true],
    ['///_gripgate', true],
    ['/_gripgate%2Fpurge', false],
    ['/_gripgatex', false],
    ['/app/_gripgate/', false],
    ['/_GRIPGATE/', false],
    ['/', false],
  ])('%s → %s', (path, want) => {
    expect(isAdminPath(path)).toBe(want)
  })
})
