/**
 * Reading bodies with a size limit, so neither a client nor an origin can make the gateway
 * buffer without bound.
 * @module
 */
import { GatewayError } from '../errors.ts'
import { readStreamUpTo } from './bytes.ts'
import { wholeBodyOf } from './whole-body.ts'

/** Reads the whole body as text; 413 once it passes `maxBytes`. */
export async function readTextLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  const bytes = await readStreamUpTo(request.body, maxBytes)
  if (bytes === undefined) throw tooLarge(maxBytes)
  return new TextDecoder().decode(bytes)
}

/** Reads and parses a JSON body; 400 naming the position when it is not JSON. */
export async function readJsonLimited(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readTextLimited(request, maxBytes)
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new GatewayError(
      'BAD_REQUEST',
      400,
      `body is not valid JSON: ${(error as Error).message}`
    )
  }
}

/** Reads a response body whole, or `undefined` once it passes `limit` bytes. */
export function readUpTo(response: Response, limit: number): Promise<Uint8Array | undefined> {
  // An answer marked whole (whole-body.ts) is taken as it is: no stream built, none read.
  const whole = wholeBodyOf(response)
  if (whole) return Promise.resolve(whole.bytes.byteLength > limit ? undefined : whole.bytes)
  return readStreamUpTo(response.body, limit)
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('PAYLOAD_TOO_LARGE', 413, `request body exceeds ${maxBytes} bytes`, {
    extras: { limit: maxBytes },
  })
}
