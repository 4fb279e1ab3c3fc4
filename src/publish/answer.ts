/**
 * The answer to a publish, one shape on every platform: Pushpin's `Published` (plain text,
 * or JSON when asked for) when every item went out, otherwise a `PUBLISH_FAILED` problem that
 * names each item that did not and why, so a publisher can retry.
 * @module
 */
import { GatewayError } from '../errors.ts'
import type { PublishOutcome } from './flow.ts'

/** Pushpin answers JSON when the client asks for it, plain text otherwise. */
export function wantsJson(accept: string | null): boolean {
  return accept !== null && /application\/(json|\*)/i.test(accept) && !/text\/plain/i.test(accept)
}

/** Renders the outcome: 200 when all items were published, else throws `PUBLISH_FAILED`. */
export function publishAnswer(outcome: PublishOutcome, accept: string | null): Response {
  const failed = outcome.items.filter((line) => line.outcome !== 'published')
  const counts = {
    items: outcome.items.length,
    released: outcome.report?.released ?? null,
    held: outcome.report?.held ?? null,
    duplicates: outcome.report?.duplicates ?? null,
    purged: outcome.objects,
    purgedKeys: outcome.purgedKeys,
    ...(outcome.unacknowledged ? { unacknowledged: outcome.unacknowledged } : {}),
  }
  if (failed.length === 0) {
    if (wantsJson(accept)) return Response.json({ message: 'Published', ...counts })
    return new Response('Published\n', { headers: { 'content-type': 'text/plain' } })
  }
  const lines = failed.map(
    (line) =>
      `items[${line.index}] (channel ${JSON.stringify(line.channel)}): not published, purging ${line.failedKeys?.join(', ')} failed`
  )
  throw new GatewayError(
    'PUBLISH_FAILED',
    502,
    `${failed.length} of ${outcome.items.length} items were not published: ${lines.join('; ')}`,
    { extras: { ...counts, items: outcome.items, failedKeys: outcome.failedKeys } }
  )
}
