/**
 * Who may publish and purge: `Authorization: Bearer <key>` with one of the publish keys
 * (the Fastly form), or `Bearer <JWT>` signed HS256 with one of them and not expired
 * (what GRIP client libraries send for a GRIP URL with `iss`, GRIP.md §8.5).
 * @module
 */
import { jwtVerify } from 'jose'
import { GatewayError } from '../errors.ts'
import { bearerToken, isKnownKey } from './bearer.ts'
import { secretBytes } from './hmac-key.ts'

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/

/** Whether the `Authorization` field carries valid publish credentials. */
export async function isAuthorizedPublisher(
  authorization: string | null | undefined,
  keys: readonly string[],
  nowMs: number
): Promise<boolean> {
  const token = bearerToken(authorization)
  if (token === undefined || keys.length === 0) return false
  if (isKnownKey(token, keys)) return true
  if (!JWT_SHAPE.test(token)) return false
  for (const key of keys) {
    try {
      await jwtVerify(token, secretBytes(key), {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        currentDate: new Date(nowMs),
      })
      return true
    } catch {
      // Try the next key: keys rotate by listing old and new together.
    }
  }
  return false
}

/** A publish key given in the URL (`src/publish/url-key.ts`), and whether the client is local. */
export interface UrlCredentials {
  key: string | undefined
  /** The client is on this machine (a loopback peer): the only place a URL key is taken from. */
  local: boolean
}

/**
 * Admits a request to the control plane (publish, purge, stats): the method first (405 with
 * `Allow`), then the publish key (401 with `WWW-Authenticate`), as Pushpin orders them. The
 * 401 says what was wrong: no credentials, credentials that are not Bearer, or a key that is
 * not accepted (never which part of it).
 */
export async function admitPublisher(
  request: Request,
  method: 'GET' | 'POST',
  keys: readonly string[],
  nowMs: number,
  inUrl?: UrlCredentials
): Promise<void> {
  if (request.method !== method) {
    throw new GatewayError('METHOD_NOT_ALLOWED', 405, `use ${method}`, {
      headers: { allow: method },
    })
  }
  const authorization = request.headers.get('authorization')
  if (authorization !== null) {
    if (bearerToken(authorization) === undefined) {
      throw unauthorized('expected Authorization: Bearer <key or JWT>')
    }
    if (await isAuthorizedPublisher(authorization, keys, nowMs)) return
    throw unauthorized(
      'the publish key is not accepted: a key of publish.keys, or a JWT signed HS256 with one and not expired'
    )
  }
  if (inUrl?.key !== undefined) {
    if (!inUrl.local) {
      throw unauthorized(
        'a publish key in the URL is accepted only from this machine; send Authorization: Bearer <key or JWT>'
      )
    }
    if (isKnownKey(inUrl.key, keys)) return
    throw unauthorized('the publish key in the URL is not one of publish.keys')
  }
  throw unauthorized('a publish key is required: Authorization: Bearer <key or JWT>')
}

function unauthorized(detail: string): GatewayError {
  return new GatewayError('UNAUTHORIZED', 401, detail, {
    headers: { 'www-authenticate': 'Bearer realm="gripgate"' },
  })
}
