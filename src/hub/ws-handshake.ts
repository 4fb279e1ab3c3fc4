/**
 * The client's opening handshake, checked before the origin is asked (RFC 6455 §4.2.1):
 * a handshake the platform's socket library would refuse must not cost an OPEN request to
 * the origin and a held-connection slot first.
 * @module
 */
import { GatewayError } from '../errors.ts'
import { decodeBase64 } from '../grip/bytes.ts'

/** The only version RFC 6455 defines. */
const VERSION = '13'

/** Whether a comma-separated field value lists `token` (case-insensitively). */
function listsToken(value: string | null, token: string): boolean {
  return value?.split(',').some((part) => part.trim().toLowerCase() === token) ?? false
}

/** Whether `Sec-WebSocket-Key` is base64 of 16 bytes (RFC 6455 §4.1, item 7). */
function isValidKey(key: string | null): boolean {
  if (key === null || !/^[A-Za-z0-9+/]{22}==$/.test(key.trim())) return false
  return decodeBase64(key.trim())?.byteLength === 16
}

/**
 * Why `request` is not a valid WebSocket opening handshake, as the error to answer with;
 * undefined when it is one. A wrong version gets 426 with the version this server speaks
 * (§4.4); anything else 400.
 */
export function handshakeError(
  request: Pick<Request, 'method' | 'headers'>
): GatewayError | undefined {
  const headers = request.headers
  if (request.method !== 'GET') {
    return new GatewayError('BAD_REQUEST', 400, 'a WebSocket handshake is a GET request')
  }
  if (!listsToken(headers.get('connection'), 'upgrade')) {
    return new GatewayError('BAD_REQUEST', 400, 'a WebSocket handshake needs Connection: Upgrade')
  }
  const version = headers.get('sec-websocket-version')?.trim()
  if (version !== VERSION) {
    return new GatewayError('UPGRADE_REQUIRED', 426, `Sec-WebSocket-Version must be ${VERSION}`, {
      headers: { 'sec-websocket-version': VERSION, upgrade: 'websocket', connection: 'close' },
    })
  }
  if (!isValidKey(headers.get('sec-websocket-key'))) {
    return new GatewayError('BAD_REQUEST', 400, 'Sec-WebSocket-Key must be 16 bytes in base64')
  }
  return undefined
}
