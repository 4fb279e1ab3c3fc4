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

/** Signs a fresh Grip-Sig token. */
export function signGripSig(key: string, iss: string, nowMs: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(iss)
    .setExpirationTime(Math.floor(nowMs / 1000) + GRIP_SIG_LIFETIME_SECONDS)
    .sign(secretBytes(key))
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
