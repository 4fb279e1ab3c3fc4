import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  GRIP_SIG_LIFETIME_SECONDS,
  signGripSig,
  verifyGripSig,
} from '../../../src/grip/grip-sig.ts'
import { EPOCH } from '../../fakes/fake-clock.ts'

const KEY = 'changeme'

describe('signGripSig (GRIP.md §10.1)', () => {
  it('signs HS256 with iss and exp = now + 3600 s (2)', async () => {
    const token = await signGripSig(KEY, 'pushpin', EPOCH + 999)
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(decodeJwt(token)).toEqual({ iss: 'pushpin', exp: EPOCH / 1000 + 3600 })
    expect(GRIP_SIG_LIFETIME_SECONDS).toBe(3600)
  })

  it('reuses the token within a second, and it is the one a fresh signing gives', async () => {
    const a = await signGripSig(KEY, 'pushpin', EPOCH + 10)
    const b = await signGripSig(KEY, 'pushpin', EPOCH + 990)
    const fresh = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('pushpin')
      .setExpirationTime(EPOCH / 1000 + 3600)
      .sign(new TextEncoder().encode(KEY))
    expect(b).toBe(a)
    expect(a).toBe(fresh)
  })

  it('signs again in the next second, and per key and issuer', async () => {
    const now = await signGripSig(KEY, 'pushpin', EPOCH)
    const later = await signGripSig(KEY, 'pushpin', EPOCH + 1000)
    expect(decodeJwt(later).exp).toBe(EPOCH / 1000 + 3601)
    expect(later).not.toBe(now)
    expect(decodeJwt(await signGripSig(KEY, 'other', EPOCH)).iss).toBe('other')
    const otherKey = await signGripSig('other-key', 'pushpin', EPOCH)
    expect(await verifyGripSig(otherKey, 'other-key', { nowMs: EPOCH })).toBe(true)
    expect(await verifyGripSig(otherKey, KEY, { nowMs: EPOCH })).toBe(false)
  })

  it('signs base64: keys with their bytes', async () => {
    const token = await signGripSig('base64:Y2hhbmdlbWU=', 'pushpin', EPOCH)
    expect(await verifyGripSig(token, KEY, { nowMs: EPOCH })).toBe(true)
  })
})

describe('verifyGripSig', () => {
  it.each([
    { name: 'a fresh token', key: KEY, nowMs: EPOCH, iss: undefined, want: true },
    { name: 'the expected issuer', key: KEY, nowMs: EPOCH, iss: 'pushpin', want: true },
    { name: 'another issuer', key: KEY, nowMs: EPOCH, iss: 'fastly', want: false },
    { name: 'another key', key: 'other', nowMs: EPOCH, iss: undefined, want: false },
    { name: 'an hour later', key: KEY, nowMs: EPOCH + 3600_000, iss: undefined, want: false },
    { name: 'just before expiry', key: KEY, nowMs: EPOCH + 3599_000, iss: undefined, want: true },
  ])('$name → $want', async ({ key, nowMs, iss, want }) => {
    const token = await signGripSig(KEY, 'pushpin', EPOCH)
    expect(await verifyGripSig(token, key, { nowMs, ...(iss ? { iss } : {}) })).toBe(want)
  })

  it.each([
    { name: 'garbage', token: async () => 'not a jwt' },
    { name: 'an empty string', token: async () => '' },
    {
      name: 'a token without exp',
      token: () =>
        new SignJWT({ iss: 'pushpin' })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(KEY)),
    },
    {
      name: 'an HS512 token',
      token: () =>
        new SignJWT({ iss: 'pushpin' })
          .setProtectedHeader({ alg: 'HS512' })
          .setExpirationTime(EPOCH / 1000 + 60)
          .sign(new TextEncoder().encode(KEY)),
    },
  ])('refuses $name without throwing', async ({ token }) => {
    expect(await verifyGripSig(await token(), KEY, { nowMs: EPOCH })).toBe(false)
  })
})
