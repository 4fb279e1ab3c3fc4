/**
 * The publish endpoint, compatible with Pushpin's (GRIP.md §8): `POST /publish/` with
 * `{"items": [...]}`. The whole batch is rejected when one item is bad, as Pushpin does.
 * @module
 */

import type { PullCache } from '../cache/pull-cache.ts'
import type { PublishPurgeConfig } from '../config/types.ts'
import type { FanoutTier } from '../fanout.ts'
import { planPurge } from './purge-plan.ts'
import { PUBLISH_BODY_LIMIT, readPublishBody } from './read-body.ts'

/** Pushpin's `push_in_http_max_body_size`. */
export const MAX_PUBLISH_BODY = PUBLISH_BODY_LIMIT

/**
 * Handles an authenticated publish request: purge, then deliver, then answer
 * (ARCHITECTURE.md, "Consistency contract" 3 and 5), so a subscriber that pulls as soon as
 * it is pushed to gets content at least as new as the push.
 */
export async function handlePublish(
  request: Request,
  tier: Pick<FanoutTier, 'publish'>,
  cache: Pick<PullCache, 'purge'>,
  purge: PublishPurgeConfig
): Promise<Response> {
  const { items } = await readPublishBody(request)
  const plan = planPurge(items, purge)
  const purged = (await cache.purge(plan.hard, false)) + (await cache.purge(plan.soft, true))
  const report = await tier.publish(items)
  if (wantsJson(request.headers.get('accept'))) {
    return Response.json({
      message: 'Published',
      ...report,
      purged,
      purgedKeys: [...plan.hard, ...plan.soft],
    })
  }
  return new Response('Published\n', { headers: { 'content-type': 'text/plain' } })
}

/** Pushpin answers JSON when the client asks for it, plain text otherwise. */
function wantsJson(accept: string | null): boolean {
  return accept !== null && /application\/(json|\*)/i.test(accept) && !/text\/plain/i.test(accept)
}
