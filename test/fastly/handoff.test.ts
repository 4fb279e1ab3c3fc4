import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CONFIG_STORE } from '../../edge/fastly/stores.ts'
import { fanoutIssuer } from '../../src/grip/fanout-sig.ts'
import { signGripSig } from '../../src/grip/grip-sig.ts'
import { EPOCH } from '../fakes/fake-clock.ts'
import { buildApp, GRIP_KEY, SERVICE_ID, seedStores } from './helpers.ts'
import { handoffs } from './shims/fanout.ts'
import { resetShims } from './shims/reset.ts'

let privateKey: CryptoKey
let fanoutKey: JWK
const NOW_S = EPOCH / 1000

beforeAll(async () => {
  const pair = await generateKeyPair('ES256')
  privateKey = pair.privateKey
  fanoutKey = await exportJWK(pair.publicKey)
})

beforeEach(() => {
  resetShims()
  seedStores()
})

/** Tokens a request may carry; ES256 ones are signed with the key the app trusts here. */
const SIGS = {
  none: async () => undefined,
  'fanout ES256': () =>
    new SignJWT({ iss: fanoutIssuer(SERVICE_ID), exp: NOW_S + 3600 })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(privateKey),
  'pushpin HS256': () => signGripSig(GRIP_KEY, 'pushpin', EPOCH),
  'ES256 for another service': () =>
    new SignJWT({ iss: fanoutIssuer('OTHER'), exp: NOW_S + 3600 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey),
  'expired ES256': () =>
    new SignJWT({ iss: fanoutIssuer(SERVICE_ID), exp: NOW_S - 1 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey),
  'expired HS256': () => signGripSig(GRIP_KEY, 'pushpin', EPOCH - 3600_000),
  'HS256 with a wrong key': () => signGripSig('guessed', 'pushpin', EPOCH),
  forged: async () => 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJmYXN0bHk6eCJ9.c2ln',
} as const

type Row = [
  name: string,
  path: string,
  headers: Record<string, string>,
  sig: keyof typeof SIGS,
  want: 'handoff' | 'origin' | 403,
]

const SSE = { accept: 'text/event-stream' }
const WS = {
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'x',
  'sec-websocket-version': '13',
}

const table: Row[] = [
  ['realtime route', '/news/poll', {}, 'none', 'handoff'],
  ['SSE on a plain route', '/feed', SSE, 'none', 'handoff'],
  ['WebSocket on a plain route', '/socket', WS, 'none', 'handoff'],
  ['plain GET', '/items/1', {}, 'none', 'origin'],
  ['JSON on a plain route', '/items/1', { accept: 'application/json' }, 'none', 'origin'],
  ['Fanout calling back (ES256) on the realtime route', '/news/poll', {}, 'fanout ES256', 'origin'],
  ['Fanout calling back (ES256) with SSE', '/feed', SSE, 'fanout ES256', 'origin'],
  ['Pushpin calling back (HS256)', '/news/poll', {}, 'pushpin HS256', 'origin'],
  ['another service’s Fanout', '/news/poll', {}, 'ES256 for another service', 403],
  ['expired ES256', '/news/poll', SSE, 'expired ES256', 403],
  ['expired HS256', '/news/poll', {}, 'expired HS256', 403],
  ['HS256 with a guessed key', '/feed', SSE, 'HS256 with a wrong key', 403],
  ['forged signature on a plain GET', '/items/1', {}, 'forged', 403],
]

describe('handoff decisions on Fastly (classified before any handoff)', () => {
  it.each(table)('%s → %s', async (_name, path, headers, sig, want) => {
    const { app, originFetch } = buildApp({ fanoutKey })
    const token = await SIGS[sig]()
    const request = new Request(`https://edge.example${path}`, {
      headers: { ...headers, ...(token ? { 'grip-sig': token } : {}) },
    })
    const response = await app.fetch(request)
    if (want === 'handoff') {
      expect(response.headers.get('x-shim-fanout-handoff')).toBe('self')
      // Fanout gets the client's request object itself, unchanged (PLATFORMS.md A.3).
      expect(handoffs).toHaveLength(1)
      expect(handoffs[0]?.request).toBe(request)
      // A handed-off request never reaches the origin on its first leg.
      expect(originFetch.sent).toHaveLength(0)
    } else if (want === 'origin') {
      expect(handoffs).toHaveLength(0)
      expect(originFetch.sent).toHaveLength(1)
      expect(originFetch.sent[0]?.init.backend).toBe('origin')
      // Trusted: the signature goes on to the origin (GRIP.md §2.3 passthrough).
      expect(originFetch.sent[0]?.headers.get('grip-sig')).toBe(token ?? null)
    } else {
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ code: 'GRIP_SIG_INVALID' })
      expect(handoffs).toHaveLength(0)
      expect(originFetch.sent).toHaveLength(0)
    }
  })

  it('hands off to the backend the config store names', async () => {
    seedStores({ settings: { fanout_backend: 'fanout_origin' } })
    const { app } = buildApp()
    const response = await app.fetch(new Request('https://edge.example/news/poll'))
    expect(response.headers.get('x-shim-fanout-handoff')).toBe('fanout_origin')
    expect(CONFIG_STORE).toBe('gripgate_config')
  })

  it('does not trust ES256 without a service id (no FASTLY_SERVICE_ID, no setting)', async () => {
    resetShims()
    seedStores({ serviceId: false })
    const { app } = buildApp({ fanoutKey })
    const token = await SIGS['fanout ES256']()
    const response = await app.fetch(
      new Request('https://edge.example/news/poll', { headers: { 'grip-sig': token } })
    )
    expect(response.status).toBe(403)
  })

  it('answers 404 for a path no route matches, without handing off', async () => {
    const { app } = buildApp({
      config: {
        origins: { origin: { url: 'https://o.example' } },
        routes: [{ path: '/only', origin: 'origin', realtime: true }],
      },
    })
    const response = await app.fetch(new Request('https://edge.example/else', { headers: SSE }))
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' })
    expect(handoffs).toHaveLength(0)
  })
})
