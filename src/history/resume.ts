/**
 * Where a new hold resumes from (issue #15), as pure functions the sessions share:
 * - a channel whose instruction `prev-id` is behind the channel's last id resumes after it;
 * - on a stream hold, a channel without a `prev-id` resumes after the client's
 *   `Last-Event-ID` (header, or the `lastEventId` query parameter for clients that cannot
 *   set headers, as Mercure accepts), when that is not already the channel's last id.
 * @module
 */

/** One channel to resume: after `from`; `declared` when the instruction named it (prev-id). */
export interface ResumePoint {
  channel: string
  from: string
  declared: boolean
}

/** The id an SSE client reconnects with, if it sent one (header first, then the query). */
export function lastEventIdOf(request: Request): string | undefined {
  const header = request.headers.get('last-event-id')
  if (header !== null && header !== '') return header
  const query = request.url.indexOf('?')
  if (query < 0) return undefined
  const value = new URLSearchParams(request.url.slice(query + 1)).get('lastEventId')
  return value === null || value === '' ? undefined : value
}

/**
 * The channels to resume: `prevIds` is channel → declared prev-id, `lastId` the channel's
 * last released id as the hub knows it, `lastEventId` the client's (stream holds only).
 */
export function resumePoints(
  prevIds: ReadonlyMap<string, string | undefined>,
  lastId: (channel: string) => string | undefined,
  lastEventId: string | undefined
): ResumePoint[] {
  const points: ResumePoint[] = []
  for (const [channel, prevId] of prevIds) {
    const last = lastId(channel)
    if (prevId !== undefined) {
      if (last !== undefined && last !== prevId)
        points.push({ channel, from: prevId, declared: true })
    } else if (lastEventId !== undefined && last !== lastEventId) {
      points.push({ channel, from: lastEventId, declared: false })
    }
  }
  return points
}
