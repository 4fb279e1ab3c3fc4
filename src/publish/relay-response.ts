/**
 * The answer to a relayed publish (`relay.ts`): Pushpin's `Published` when every item went
 * out, otherwise a `PUBLISH_FAILED` problem that names each item that did not and why, so a
 * publisher can tell a purge failure from a publish API failure and retry.
 * @module
 */
import { GatewayError } from '../errors.ts'
import type { RelayItemReport, RelayReport } from './relay.ts'

/** Pushpin answers JSON when the client asks for it, plain text otherwise. */
export function wantsJson(accept: string | null): boolean {
  return accept !== null && /application\/(json|\*)/i.test(accept) && !/text\/plain/i.test(accept)
}

function describe(line: RelayItemReport, report: RelayReport): string {
  const where = `items[${line.index}] (channel ${JSON.stringify(line.channel)})`
  if (line.outcome === 'purge-failed') {
    return `${where}: not published, purging ${line.failedKeys?.join(', ')} failed`
  }
  const api = report.publishApi
  const answer = api?.status ? `answered ${api.status}` : 'could not be reached'
  return `${where}: the publish API ${answer}${api?.detail ? ` (${api.detail})` : ''}`
}

/** Renders the report: 200 when all items were published, else throws `PUBLISH_FAILED`. */
export function relayResponse(report: RelayReport, accept: string | null): Response {
  const failed = report.items.filter((line) => line.outcome !== 'published')
  if (failed.length === 0) {
    if (wantsJson(accept)) {
      return Response.json({
        message: 'Published',
        items: report.items.length,
        purgedKeys: report.purgedKeys,
      })
    }
    return new Response('Published\n', { headers: { 'content-type': 'text/plain' } })
  }
  const lines = failed.map((line) => describe(line, report))
  throw new GatewayError(
    'PUBLISH_FAILED',
    502,
    `${failed.length} of ${report.items.length} items were not published: ${lines.join('; ')}`,
    {
      extras: {
        items: report.items,
        purgedKeys: report.purgedKeys,
        failedKeys: report.failedKeys,
        ...(report.publishApi ? { publishApi: report.publishApi } : {}),
      },
    }
  )
}
