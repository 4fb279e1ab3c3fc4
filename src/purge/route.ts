/**
 * `POST /_gripgate/purge`: purge stored responses by surrogate key, hard or soft. One answer
 * shape everywhere: `{ purged, keys, soft }`, `purged` being the objects covered, or `null`
 * where the cache does not count them (Fastly).
 * @module
 */
import { GatewayError } from '../errors.ts'
import type { Purger } from './purger.ts'
import { readPurgeBody } from './read-body.ts'

/** Handles an authenticated purge request; 502 `PURGE_FAILED` naming the keys that failed. */
export async function handlePurge(request: Request, purger: Purger): Promise<Response> {
  const { keys, soft } = await readPurgeBody(request)
  const report = await purger.purge(keys, soft)
  if (report.failed.length > 0) {
    const list = report.failed.map((failure) => `${failure.key} (${failure.reason})`).join(', ')
    throw new GatewayError('PURGE_FAILED', 502, `could not purge ${list}`, {
      extras: { purged: report.objects, keys: report.purged, failed: report.failed, soft },
    })
  }
  return Response.json({
    purged: report.objects,
    keys,
    soft: report.soft,
    ...(report.unacknowledged ? { unacknowledged: report.unacknowledged } : {}),
  })
}
