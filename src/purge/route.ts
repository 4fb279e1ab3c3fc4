/**
 * `POST /_gripgate/purge`: purge stored responses by surrogate key, hard or soft.
 * @module
 */
import type { PullCache } from '../cache/pull-cache.ts'
import { readPurgeBody } from './read-body.ts'

/** Handles an authenticated purge request. */
export async function handlePurge(
  request: Request,
  cache: Pick<PullCache, 'purge'>
): Promise<Response> {
  const { keys, soft } = await readPurgeBody(request)
  const purged = await cache.purge(keys, soft)
  return Response.json({ purged, keys, soft })
}
