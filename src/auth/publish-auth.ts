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

/**
 * Admits a request to the control plane (publish, purge, stats): the method first (405 with
 * `Allow`), then the publish key (401 with `WWW-Authenticate`), as Pushpin orders them.
 */
export async function admitPublisher(
  request: Request,
  method: 'GET' | 'POST',
  keys: readonly string[],
  nowMs: number
): Promise<void> {
  if (request.method !== method) {
    throw new GatewayError('METHOD_NOT_ALLOWED', 405, `use ${method}`, {
      headers: { allow: method },
    })
  }
  if (!(await isAuthorizedPublisher(request.headers.get('authorization'), keys, nowMs))) {
    throw new GatewayError(
      'UNAUTHORIZED',
      401,
      'a publish key is required: Authorization: Bearer <key or JWT>',
      { headers: { 'www-authenticate': 'Bearer realm="gripgate"' } }
    )
  }
}
