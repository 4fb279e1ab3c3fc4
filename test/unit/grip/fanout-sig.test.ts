import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  FASTLY_FANOUT_JWK,
  type FanoutSigTrust,
  fanoutIssuer,
  gripSigState,
  verifyFanoutSig,
} from '../../../src/grip/fanout-sig.ts'
import { signGripSig } from '../../../src/grip/grip-sig.ts'
import { EPOCH } from '../../fakes/fake-clock.ts'

const SERVICE = 'SU1Z0isxPaozGVKXdv0eY'

/**
 * A fixed ES256 vector (made with jose's generateKeyPair and SignJWT): header
 * {"alg":"ES256","typ":"JWT"}, claims {"iss":"fastly:SU1Z0isxPaozGVKXdv0eY","exp":4102444800}
 * (2100-01-01), signed with the private half of VECTOR_JWK.
 */
const VECTOR_JWK: JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'SRnmkrI5OPmAk46unngL5a-VB5Hpqohxg_u-pPEyWnw',
  y: 'TnqAeoj9Vhu8F587XLkKPIQmBmO6Mw9rPIcsKku1teg',
}
const VECTOR_TOKEN =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJmYXN0bHk6U1UxWjBpc3hQYW96R1ZLWGR2MGVZIiwiZXhwIjo0MTAyNDQ0ODAwfQ.LSw2cGdjc5HeBaZ8n7AgL3ga5M6gMz5ANT0U3lzu6D65c64C6xv8Gh_m7mRnjoc6HtIF1y5MBszB7BPEYCZrng'

const NOW_S = EPOCH / 1000

describe('the fixed ES256 vector', () => {
  const trust: FanoutSigTrust = { serviceId: SERVICE, publicKey: VECTOR_JWK }

  it('verifies with its key and issuer', async () => {
    expect(await verifyFanoutSig(VECTOR_TOKEN, trust, EPOCH)).toBe(true)
  })

  it.each([
    ['after exp', { trust, nowMs: 4102444800_000 }],
    ['for another service', { trust: { ...trust, serviceId: 'OTHER' }, nowMs: EPOCH }],
    [
      'against Fastly’s key (the vector is not Fastly’s)',
      { trust: { serviceId: SERVICE }, nowMs: EPOCH },
    ],
    [
      'without a service id to check the issuer against',
      { trust: { publicKey: VECTOR_JWK }, nowMs: EPOCH },
    ],
  ])('is refused %s', async (_name, { trust: t, nowMs }) => {
    expect(await verifyFanoutSig(VECTOR_TOKEN, t, nowMs)).toBe(false)
  })

  it('is refused with one signature byte changed', async () => {
    const [head, body, sig = ''] = VECTOR_TOKEN.split('.')
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`
    expect(await verifyFanoutSig(`${head}.${body}.${flipped}`, trust, EPOCH)).toBe(false)
  })

  it('is refused with the claims changed (a forged issuer)', async () => {
    const [head, , sig] = VECTOR_TOKEN.split('.')
    const claims = Buffer.from(JSON.stringify({ iss: 'fastly:EVIL', exp: 4102444800 })).toString(
      'base64url'
    )
    const forged = `${head}.${claims}.${sig}`
    expect(await verifyFanoutSig(forged, { ...trust, serviceId: 'EVIL' }, EPOCH)).toBe(false)
  })
})

describe('verifyFanoutSig with a fresh P-256 key pair (ES256, GRIP.md §10.4)', () => {
  let privateKey: CryptoKey
  let otherPrivate: CryptoKey
  let publicJwk: JWK
  let trust: FanoutSigTrust

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    privateKey = pair.privateKey
    publicJwk = await exportJWK(pair.publicKey)
    otherPrivate = (await generateKeyPair('ES256')).privateKey
    trust = { serviceId: SERVICE, publicKey: publicJwk, gripKey: 'changeme' }
  })

  type Claims = { iss?: string; exp?: number }
  const sign = (key: CryptoKey, claims: Claims, alg = 'ES256') =>
    new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key)

  it.each<[string, Claims, boolean]>([
    ['fastly:<service>, exp in an hour', { iss: fanoutIssuer(SERVICE), exp: NOW_S + 3600 }, true],
    ['exp one second ahead', { iss: fanoutIssuer(SERVICE), exp: NOW_S + 1 }, true],
    ['expired a second ago', { iss: fanoutIssuer(SERVICE), exp: NOW_S - 1 }, false],
    ['exp exactly now', { iss: fanoutIssuer(SERVICE), exp: NOW_S }, false],
    ['no exp', { iss: fanoutIssuer(SERVICE) }, false],
    ['another service’s issuer', { iss: 'fastly:OTHER', exp: NOW_S + 60 }, false],
    ['Pushpin’s issuer', { iss: 'pushpin', exp: NOW_S + 60 }, false],
    ['no issuer', { exp: NOW_S + 60 }, false],
  ])('%s → %s', async (_name, claims, want) => {
    expect(await verifyFanoutSig(await sign(privateKey, claims), trust, EPOCH)).toBe(want)
  })

  it('refuses a token signed with another key (forged)', async () => {
    const token = await sign(otherPrivate, { iss: fanoutIssuer(SERVICE), exp: NOW_S + 60 })
    expect(await verifyFanoutSig(token, trust, EPOCH)).toBe(false)
  })

  it('refuses an unsigned token (alg none)', async () => {
    const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const token = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: fanoutIssuer(SERVICE), exp: NOW_S + 60 })}.`
    expect(await verifyFanoutSig(token, trust, EPOCH)).toBe(false)
  })

  it('refuses an ES256 header over an HS256 signature made with the public key', async () => {
    // Algorithm confusion: "sign" HS256 with the public key's bytes, claim ES256.
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk))
    const hs = await new SignJWT({ iss: fanoutIssuer(SERVICE), exp: NOW_S + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret)
    const [, body, sig] = hs.split('.')
    const header = Buffer.from(JSON.stringify({ alg: 'ES256' })).toString('base64url')
    expect(await verifyFanoutSig(`${header}.${body}.${sig}`, trust, EPOCH)).toBe(false)
  })
})

describe('verifyFanoutSig with HS256 (Pushpin standing in for Fanout)', () => {
  it.each([
    ['grip.key', { gripKey: 'changeme' }, EPOCH, true],
    ['another key', { gripKey: 'other' }, EPOCH, false],
    ['no grip.key configured', {}, EPOCH, false],
    ['an hour later (expired)', { gripKey: 'changeme' }, EPOCH + 3600_000, false],
  ] as const)('%s → %s', async (_name, trust, nowMs, want) => {
    const token = await signGripSig('changeme', 'pushpin', EPOCH)
    expect(await verifyFanoutSig(token, trust, nowMs)).toBe(want)
  })

  it('does not accept HS256 in place of ES256 when only a service id is trusted', async () => {
    const token = await signGripSig('changeme', fanoutIssuer(SERVICE), EPOCH)
    expect(await verifyFanoutSig(token, { serviceId: SERVICE }, EPOCH)).toBe(false)
  })

  it.each(['', 'not a jwt', 'a.b.c', '...'])('never throws on %j', async (token) => {
    expect(await verifyFanoutSig(token, { gripKey: 'k', serviceId: SERVICE }, EPOCH)).toBe(false)
  })
})

describe("Fastly's published Fanout key", () => {
  it('imports as an ES256 (P-256) public key', async () => {
    const key = (await importJWK({ ...FASTLY_FANOUT_JWK }, 'ES256')) as CryptoKey
    expect(key.type).toBe('public')
    expect(key.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' })
    expect(key.usages).toContain('verify')
  })

  it('is what js-grip 4.3.0 exports as PUBLIC_KEY_FASTLY_FANOUT_JWK', async () => {
    const grip = (await import('@fanoutio/grip')) as { PUBLIC_KEY_FASTLY_FANOUT_JWK?: JWK }
    expect(grip.PUBLIC_KEY_FASTLY_FANOUT_JWK).toMatchObject({ ...FASTLY_FANOUT_JWK })
  })

  it('is the default: a token from our own key does not pass as Fastly’s', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const token = await new SignJWT({ iss: fanoutIssuer(SERVICE), exp: NOW_S + 60 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey)
    expect(await verifyFanoutSig(token, { serviceId: SERVICE }, EPOCH)).toBe(false)
  })
})

describe('gripSigState', () => {
  it.each([
    ['absent', () => new Headers(), 'absent'],
    ['valid', async () => new Headers({ 'grip-sig': await signGripSig('k', 'x', EPOCH) }), 'valid'],
    ['invalid', () => new Headers({ 'grip-sig': 'forged' }), 'invalid'],
    ['empty', () => new Headers({ 'grip-sig': '' }), 'invalid'],
  ] as const)('%s', async (_name, headers, want) => {
    expect(await gripSigState(await headers(), { gripKey: 'k' }, EPOCH)).toBe(want)
  })
})
