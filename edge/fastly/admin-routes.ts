/**
 * The endpoints the gateway answers itself on Fastly: the publish endpoint (purge the items'
 * keys, then forward them to Fanout's publish API) and `/_gripgate/purge`. Both take the
 * publish keys, which the config reads from the Secret Store.
 * @module
 */
import { isAuthorizedPublisher } from '../../src/auth/publish-auth.ts'
import type { PublishConfig } from '../../src/config/types.ts'
import { GatewayError } from '../../src/errors.ts'
import { readJsonLimited } from '../../src/http/body.ts'
import { readPublishBody } from '../../src/publish/read-body.ts'
import { type ForwardItems, relayPublish } from '../../src/publish/relay.ts'
import { relayResponse } from '../../src/publish/relay-response.ts'
import { parsePurgeRequest } from '../../src/purge/purge-request.ts'
import type { Purger } from '../../src/purge/purger.ts'

const MAX_PURGE_BODY = 64 * 1024

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
  const report = await deps.purger.purge(parsed.value.keys, parsed.value.soft)
  if (report.failed.length > 0) {
    const list = report.failed.map((failure) => `${failure.key} (${failure.reason})`).join(', ')
    throw new GatewayError('PURGE_FAILED', 502, `could not purge ${list}`, {
      extras: { purged: report.purged, failed: report.failed, soft: report.soft },
    })
  }
  return Response.json({ keys: report.purged, soft: report.soft })
}
