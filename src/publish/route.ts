/**
 * The publish endpoint, compatible with Pushpin's (GRIP.md §8): `POST /publish/` with
 * `{"items": [...]}`. The whole batch is rejected when one item is bad, as Pushpin does.
 * @module
 */
import type { PublishPurgeConfig } from '../config/types.ts'
import type { FanoutTier } from '../fanout.ts'
import type { Purger } from '../purge/purger.ts'
import { publishAnswer } from './answer.ts'
import { publishAndPurge } from './flow.ts'
import { PUBLISH_BODY_LIMIT, readPublishBody } from './read-body.ts'

/** Pushpin's `push_in_http_max_body_size`. */
export const MAX_PUBLISH_BODY = PUBLISH_BODY_LIMIT

/**
 * Handles an authenticated publish request: purge, then deliver, then answer, so a
 * subscriber that pulls as soon as it is pushed to gets content at least as new as the push.
 */
export async function handlePublish(
  request: Request,
  tier: Pick<FanoutTier, 'publish'>,
  purger: Purger,
  purge: PublishPurgeConfig
): Promise<Response> {
  const body = await readPublishBody(request)
  const outcome = await publishAndPurge(body, purge, purger, tier)
  return publishAnswer(outcome, request.headers.get('accept'))
}
