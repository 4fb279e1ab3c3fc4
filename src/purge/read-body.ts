/**
 * Reading a purge request's body (`{ "keys": [...], "soft"?: bool }`), shared by every
 * platform's purge endpoint.
 * @module
 */
import { GatewayError } from '../errors.ts'
import { readJsonLimited } from '../http/body.ts'
import { type PurgeRequest, parsePurgeRequest } from './purge-request.ts'

const MAX_PURGE_BODY = 64 * 1024

/**
 * Types a purge body may carry: JSON, and the form type `curl -d` sends by default, which
 * `/publish/` takes too (it reads JSON whatever the type, as Pushpin does). A browser cannot
 * send either cross-site with an `Authorization` field without a preflight, so taking the form
 * type opens nothing.
 */
const PURGE_BODY_TYPE = /^application\/((.+\+)?json|x-www-form-urlencoded)\s*(;|$)/i

/** Reads and validates a purge body: 415 for another content type, 400 naming the field. */
export async function readPurgeBody(request: Request): Promise<PurgeRequest> {
  const type = request.headers.get('content-type') ?? ''
  if (type && !PURGE_BODY_TYPE.test(type)) {
    throw new GatewayError(
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      `expected a JSON body (application/json), got ${type}`
    )
  }
  const parsed = parsePurgeRequest(await readJsonLimited(request, MAX_PURGE_BODY))
  if (!parsed.ok) {
    throw new GatewayError('BAD_REQUEST', 400, `${parsed.error.field}: ${parsed.error.message}`, {
      extras: { field: parsed.error.field },
    })
  }
  return parsed.value
}
