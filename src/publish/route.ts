/**
 * The publish endpoint, compatible with Pushpin's (GRIP.md §8): `POST /publish/` with
 * `{"items": [...]}`. The whole batch is rejected when one item is bad, as Pushpin does.
 * @module
 */
import type { PublishPurgeConfig } from '../config/types.ts'
import { GatewayError } from '../errors.ts'
import type { FanoutTier } from '../fanout.ts'
import { type Metrics, noMetrics } from '../metrics/metrics.ts'
import type { Purger } from '../purge/purger.ts'
import { publishAnswer } from './answer.ts'
import { publishAndPurge } from './flow.ts'
import { PUBLISH_BODY_LIMIT, readPublishBody } from './read-body.ts'

/** Pushpin's `push_in_http_max_body_size`. */
export const MAX_PUBLISH_BODY = PUBLISH_BODY_LIMIT

/**
 * Handles an authenticated publish request: purge, then deliver, then answer, so a
 * subscriber that pulls as soon as it is pushed to gets content at least as new as the push.
 * Counts the request in `metrics` by outcome: refused (a bad body), failed, or accepted.
 */
export async function handlePublish(
  request: Request,
  tier: Pick<FanoutTier, 'publish'>,
  purger: Purger,
  purge: PublishPurgeConfig,
  metrics: Metrics = noMetrics
): Promise<Response> {
  let outcome: Awaited<ReturnType<typeof publishAndPurge>>
  try {
    const body = await readPublishBody(request)
    outcome = await publishAndPurge(body, purge, purger, tier)
  } catch (error) {
    metrics.published(error instanceof GatewayError && error.status < 500 ? 'refused' : 'failed')
    throw error
  }
  const delivered = outcome.items.every((line) => line.outcome === 'published')
  metrics.published(delivered ? 'accepted' : 'failed', outcome.report)
  return publishAnswer(outcome, request.headers.get('accept'))
}
