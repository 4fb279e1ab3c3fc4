/**
 * The endpoints the gateway answers itself on Fastly: the publish endpoint (purge the items'
 * keys, then forward them to Fanout's publish API) and `/_gripgate/purge`. Both take the
 * publish keys, which the config reads from the Secret Store.
 * @module
 */
import { isAuthorizedPublisher } from '../../src/auth/publish-auth.ts'
import type { PublishConfig } from '../../src/config/types.ts'
import { GatewayError } from '../../src/errors.ts'
import { readPublishBody } from '../../src/publish/read-body.ts'
import { type ForwardItems, relayPublish } from '../../src/publish/relay.ts'
import { relayResponse } from '../../src/publish/relay-response.ts'
import type { Purger } from '../../src/purge/purger.ts'
import { readPurgeBody } from '../../src/purge/read-body.ts'

/** The seams the endpoints use. */
export interface AdminDeps {
  purger: Purger
  forward: ForwardItems
  now: () => number
}

async function authorize(request: Request, publish: PublishConfig, now: number): Promise<void> {
  if (request.method !== 'POST') {
    throw new GatewayError('METHOD_NOT_ALLOWED', 405, 'use POST', { headers: { allow: 'POST' } })
  }
  if (!(await isAuthorizedPublisher(request.headers.get('authorization'), publish.keys, now))) {
    throw new GatewayError(
      'UNAUTHORIZED',
      401,
      'a publish key is required: Authorization: Bearer <key or JWT>',
      { headers: { 'www-authenticate': 'Bearer realm="gripgate"' } }
    )
  }
}

/** `POST <publish.path>`: purge first, then forward, then answer (`relay.ts`). */
export async function handlePublish(
  request: Request,
  publish: PublishConfig,
  deps: AdminDeps
): Promise<Response> {
  await authorize(request, publish, deps.now())
  const body = await readPublishBody(request)
  const report = await relayPublish(body, publish.purge, deps.purger, deps.forward)
  return relayResponse(report, request.headers.get('accept'))
}

/**
 * `POST /_gripgate/purge`. Fastly does not say how many objects a key covered, so the answer
 * lists keys rather than the Node build's object count.
 */
export async function handlePurge(
  request: Request,
  publish: PublishConfig,
  deps: AdminDeps
): Promise<Response> {
  await authorize(request, publish, deps.now())
  const { keys, soft } = await readPurgeBody(request)
  const report = await deps.purger.purge(keys, soft)
  if (report.failed.length > 0) {
    const list = report.failed.map((failure) => `${failure.key} (${failure.reason})`).join(', ')
    throw new GatewayError('PURGE_FAILED', 502, `could not purge ${list}`, {
      extras: { purged: report.purged, failed: report.failed, soft: report.soft },
    })
  }
  return Response.json({ keys: report.purged, soft: report.soft })
}
