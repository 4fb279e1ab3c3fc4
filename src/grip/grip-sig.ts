/**
 * `Grip-Sig`: the JWT a GRIP proxy puts on every request to the origin so the origin can
 * tell proxied requests from direct ones (GRIP.md §10.1): HS256, claims `iss` and
 * `exp = now + 3600`.
 * @module
 */
import { jwtVerify, SignJWT } from 'jose'
import { secretBytes } from '../auth/hmac-key.ts'

/** Lifetime of a Grip-Sig token, as Pushpin signs them. */
export const GRIP_SIG_LIFETIME_SECONDS = 3600

/**
 * The last token per key and issuer. HS256 is deterministic and the only time-varying claim
 * is `exp` in whole seconds, so within one second the token is the same bytes: signing once
 * per second instead of once per origin request takes HMAC and JWT encoding off every
 * connect (issue #8's profile) without changing a single header.
 */
const lastTokens = new Map<string, { second: number; token: Promise<string> }>()
/** More distinct keys than any config has: past it the memo starts over rather than grow. */
const MAX_MEMO_KEYS = 16

/** The Grip-Sig token for `nowMs`: signed afresh at most once per second per key and issuer. */
export function signGripSig(key: string, iss: string, nowMs: number): Promise<string> {
  const second = Math.floor(nowMs / 1000)
  const memoKey = `${iss}\u0000${key}`
  const last = lastTokens.get(memoKey)
  if (last?.second === second) return last.token
  if (lastTokens.size >= MAX_MEMO_KEYS) lastTokens.clear()
  const token = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(iss)
    .setExpirationTime(second + GRIP_SIG_LIFETIME_SECONDS)
    .sign(secretBytes(key))
  lastTokens.set(memoKey, { second, token })
  // A failed signing must not be served for the rest of the second.
  token.catch(() => lastTokens.delete(memoKey))
  return token
}

/**
 * Whether `token` is a Grip-Sig signed with `key` that has not expired (and, when `iss`
 * is given, was issued by it). Never throws on a malformed token.
 */
export async function verifyGripSig(
  token: string,
  key: string,
  options: { iss?: string; nowMs: number }
): Promise<boolean> {
  try {
    await jwtVerify(token, secretBytes(key), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: new Date(options.nowMs),
      ...(options.iss === undefined ? {} : { issuer: options.iss }),
    })
    return true
  } catch {
    return false
  }
}
