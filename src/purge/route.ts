/**
 * `POST /_gripgate/purge`: purge stored responses by surrogate key, hard or soft.
 * @module
 */

import type { PullCache } from '../cache/pull-cache.ts'
import { GatewayError } from '../errors.ts'
import { readJsonLimited } from '../http/body.ts'
import { parsePurgeRequest } from './purge-request.ts'

const MAX_PURGE_BODY = 64 * 1024

/** Handles an authenticated purge request. */
export async function handlePurge(request: Request, cache: PullCache): Promise<Response> {
  const type = request.headers.get('content-type') ?? ''
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 415, `expected application/json, got ${type}`)
  }
  const parsed = parsePurgeRequest(await readJsonLimited(request, MAX_PURGE_BODY))
  if (!parsed.ok) {
    throw new GatewayError('BAD_REQUEST', 400, `${parsed.error.field}: ${parsed.error.message}`, {
      extras: { field: parsed.error.field },
    })
  }
  const { keys, soft } = parsed.value
  const purged = await cache.purge(keys, soft)
  return Response.json({ purged, keys, soft })
}
