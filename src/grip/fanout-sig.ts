/**
 * Telling a callback from the fanout tier apart from a client (GRIP.md §10.4, §12): Fastly
 * Fanout signs every request it sends to a backend with an ES256 `Grip-Sig` whose `iss` is
 * `fastly:<service id>`; Pushpin, standing in for Fanout in local runs, signs HS256 with its
 * `sig_key`. A request whose signature verifies is trusted: it skips the handoff and reaches
 * the origin with its GRIP headers kept (GRIP.md §2.3, passthrough).
 * @module
 */
import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose'
import { secretBytes } from '../auth/hmac-key.ts'

/**
 * Fastly's published P-256 key for Fanout's `Grip-Sig` (GRIP.md §10.4; exported by js-grip
 * 4.3.0 as `PUBLIC_KEY_FASTLY_FANOUT_JWK`).
 */
export const FASTLY_FANOUT_JWK: Readonly<JWK> = Object.freeze({
  kty: 'EC',
  crv: 'P-256',
  x: 'CKo5A1ebyFcnmVV8SE5On-8G81JyBjSvcrx4VLetWCg',
  y: '7gwJqaU6N8TP88--twjkwoB36f-pT3QsmI46nPhjO7M',
})

/** What a signature may be checked against; a missing part disables that algorithm. */
export interface FanoutSigTrust {
  /** This service's id: ES256 tokens must have `iss` = `fastly:<serviceId>`. */
  serviceId?: string
  /** `grip.key`: HS256 tokens signed with it are accepted (Pushpin standing in for Fanout). */
  gripKey?: string
  /** The ES256 public key; Fastly's unless a test supplies its own. */
  publicKey?: JWK
}

/** Whether a request carries no `Grip-Sig`, one that verifies, or one that does not. */
export type GripSigState = 'absent' | 'valid' | 'invalid'

type ImportedKey = ReturnType<typeof importJWK>

// Imported keys by JWK text: importing costs a WebCrypto call, verifying many tokens need not.
const importedKeys = new Map<string, ImportedKey>()

function es256Key(jwk: JWK): ImportedKey {
  const id = JSON.stringify([jwk.kty, jwk.crv, jwk.x, jwk.y])
  const cached = importedKeys.get(id)
  if (cached) return cached
  const key = importJWK(jwk, 'ES256')
  // A failed import must not stay cached as a rejected promise.
  key.catch(() => importedKeys.delete(id))
  importedKeys.set(id, key)
  return key
}

/** The issuer Fastly Fanout signs with for a service. */
export const fanoutIssuer = (serviceId: string): string => `fastly:${serviceId}`

/**
 * Whether `token` is a Grip-Sig from the fanout tier: ES256 with the Fanout key and this
 * service as issuer, or HS256 with `grip.key`; `exp` required and in the future. Never
 * throws on a malformed token.
 */
export async function verifyFanoutSig(
  token: string,
  trust: FanoutSigTrust,
  nowMs: number
): Promise<boolean> {
  try {
    const { alg } = decodeProtectedHeader(token)
    const common = { requiredClaims: ['exp'], currentDate: new Date(nowMs) }
    if (alg === 'ES256' && trust.serviceId) {
      const key = await es256Key(trust.publicKey ?? FASTLY_FANOUT_JWK)
      await jwtVerify(token, key, {
        ...common,
        algorithms: ['ES256'],
        issuer: fanoutIssuer(trust.serviceId),
      })
      return true
    }
    if (alg === 'HS256' && trust.gripKey) {
      // No issuer check: Pushpin's `sig_iss` is whatever its config says ("pushpin" in the
      // Fastly CLI's template); holding the key is the proof.
      await jwtVerify(token, secretBytes(trust.gripKey), { ...common, algorithms: ['HS256'] })
      return true
    }
    return false
  } catch {
    return false
  }
}

/** Reads and checks the `Grip-Sig` field of a request. */
export async function gripSigState(
  headers: Headers,
  trust: FanoutSigTrust,
  nowMs: number
): Promise<GripSigState> {
  const token = headers.get('grip-sig')
  if (token === null) return 'absent'
  return (await verifyFanoutSig(token.trim(), trust, nowMs)) ? 'valid' : 'invalid'
}
