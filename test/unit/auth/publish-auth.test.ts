import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { admitPublisher, isAuthorizedPublisher } from '../../../src/auth/publish-auth.ts'
import { GatewayError } from '../../../src/errors.ts'
import { EPOCH } from '../../fakes/fake-clock.ts'

const NOW_S = EPOCH / 1000

/** An HS256 JWT as js-grip's Publisher signs it (GRIP.md §8.5). */
function jwt(
  key: string | Uint8Array,
  claims: { exp?: number; iss?: string } = { exp: NOW_S + 600, iss: 'pushpin' },
  alg = 'HS256'
) {
  const token = new SignJWT(claims.iss === undefined ? {} : { iss: claims.iss })
  if (claims.exp !== undefined) token.setExpirationTime(claims.exp)
  return token
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(typeof key === 'string' ? new TextEncoder().encode(key) : key)
}

describe('isAuthorizedPublisher', () => {
  it.each([
    { name: 'the key as a bearer token', header: 'Bearer key-one', keys: ['key-one'], want: true },
    { name: 'any listed key', header: 'bearer key-two', keys: ['key-one', 'key-two'], want: true },
    { name: 'an unknown key', header: 'Bearer nope', keys: ['key-one'], want: false },
    { name: 'a key prefix', header: 'Bearer key-on', keys: ['key-one'], want: false },
    { name: 'no header', header: undefined, keys: ['key-one'], want: false },
    { name: 'Basic credentials', header: 'Basic a2V5LW9uZQ==', keys: ['key-one'], want: false },
    { name: 'the key when no keys are set', header: 'Bearer key-one', keys: [], want: false },
  ])('$name → $want', async ({ header, keys, want }) => {
    expect(await isAuthorizedPublisher(header, keys, EPOCH)).toBe(want)
  })

  it.each([
    { name: 'signed with the key, not expired', sign: () => jwt('key-one'), want: true },
    { name: 'signed with the second key (rotation)', sign: () => jwt('key-two'), want: true },
    {
      name: 'without iss',
      sign: () => jwt('key-one', { exp: NOW_S + 1 }),
      want: true,
    },
    {
      name: 'expired',
      sign: () => jwt('key-one', { exp: NOW_S - 1, iss: 'pushpin' }),
      want: false,
    },
    {
      name: 'expiring right now',
      sign: () => jwt('key-one', { exp: NOW_S, iss: 'pushpin' }),
      want: false,
    },
    { name: 'signed with another key', sign: () => jwt('other-key'), want: false },
    { name: 'without exp', sign: () => jwt('key-one', { iss: 'pushpin' }), want: false },
    { name: 'signed HS512', sign: () => jwt('key-one', undefined, 'HS512'), want: false },
    {
      name: 'unsigned (alg none)',
      sign: async () => {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
        return `${part({ alg: 'none', typ: 'JWT' })}.${part({ exp: NOW_S + 600 })}.x`
      },
      want: false,
    },
  ])('a JWT $name → $want', async ({ sign, want }) => {
    const header = `Bearer ${await sign()}`
    expect(await isAuthorizedPublisher(header, ['key-one', 'key-two'], EPOCH)).toBe(want)
  })

  it('checks exp against the injected clock, not the wall clock', async () => {
    const token = await jwt('key-one', { exp: NOW_S + 600, iss: 'pushpin' })
    expect(await isAuthorizedPublisher(`Bearer ${token}`, ['key-one'], EPOCH + 599_000)).toBe(true)
    expect(await isAuthorizedPublisher(`Bearer ${token}`, ['key-one'], EPOCH + 600_000)).toBe(false)
  })

  it('verifies JWTs against base64: keys by their bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252])
    const key = `base64:${Buffer.from(bytes).toString('base64')}`
    expect(await isAuthorizedPublisher(`Bearer ${await jwt(bytes)}`, [key], EPOCH)).toBe(true)
  })
})

describe('admitPublisher', () => {
  const post = (authorization?: string) =>
    new Request('http://127.0.0.1/publish/', {
      method: 'POST',
      ...(authorization ? { headers: { authorization } } : {}),
    })
  /** The 401's detail, or 'admitted'. */
  const outcome = (request: Request, inUrl?: { key: string | undefined; local: boolean }) =>
    admitPublisher(request, 'POST', ['key-one'], EPOCH, inUrl).then(
      () => 'admitted',
      (error: unknown) => {
        if (!(error instanceof GatewayError) || error.status !== 401) throw error
        return error.message
      }
    )

  it.each([
    { name: 'the key', request: () => post('Bearer key-one'), want: 'admitted' },
    {
      name: 'no credentials',
      request: () => post(),
      want: 'a publish key is required: Authorization: Bearer <key or JWT>',
    },
    {
      name: 'a wrong key',
      request: () => post('Bearer key-two'),
      want: 'the publish key is not accepted: a key of publish.keys, or a JWT signed HS256 with one and not expired',
    },
    {
      name: 'Basic credentials',
      request: () => post('Basic a2V5LW9uZQ=='),
      want: 'expected Authorization: Bearer <key or JWT>',
    },
  ])('$name → $want', async ({ request, want }) => {
    expect(await outcome(request())).toBe(want)
  })

  it.each([
    { name: 'the key from this machine', inUrl: { key: 'key-one', local: true }, want: 'admitted' },
    {
      name: 'the key from elsewhere',
      inUrl: { key: 'key-one', local: false },
      want: 'a publish key in the URL is accepted only from this machine; send Authorization: Bearer <key or JWT>',
    },
    {
      name: 'a wrong key from this machine',
      inUrl: { key: 'key-two', local: true },
      want: 'the publish key in the URL is not one of publish.keys',
    },
    {
      name: 'no key from this machine',
      inUrl: { key: undefined, local: true },
      want: 'a publish key is required: Authorization: Bearer <key or JWT>',
    },
  ])('a key in the URL: $name → $want', async ({ inUrl, want }) => {
    expect(await outcome(post(), inUrl)).toBe(want)
  })

  it('judges the Authorization field when both are sent', async () => {
    expect(await outcome(post('Bearer wrong'), { key: 'key-one', local: true })).toMatch(
      /^the publish key is not accepted/
    )
  })

  it('checks the method first', async () => {
    const get = new Request('http://127.0.0.1/publish/', { headers: { authorization: 'x' } })
    await expect(admitPublisher(get, 'POST', ['key-one'], EPOCH)).rejects.toMatchObject({
      status: 405,
    })
  })
})
