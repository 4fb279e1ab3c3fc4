import { describe, expect, it } from 'vitest'
import type { LastIds, OriginAgain } from '../../../src/fanout.ts'
import { followLink } from '../../../src/hub/link-follow.ts'
import { answer } from '../../helpers/grip-harness.ts'

/** An OriginAgain whose next links answer with `link`; records what was asked. */
function originAnswering(link: () => Response | Promise<Response>) {
  const asked: Array<{ url: string; lastIds: LastIds }> = []
  const origin: OriginAgain = {
    replay: () => Promise.reject(new Error('a next link never replays')),
    fetchLink: async (url, lastIds) => {
      asked.push({ url: url.href, lastIds })
      return link()
    },
  }
  return { origin, asked }
}

const URL_NEXT = new URL('http://gw.test/next?p=2')
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('followLink (GRIP.md §6)', () => {
  it('asks the origin for the link with the Grip-Last ids', async () => {
    const { origin, asked } = originAnswering(() => answer({}, 'x'))
    await followLink(origin, URL_NEXT, { a: '1', b: '2' })
    expect(asked).toEqual([{ url: 'http://gw.test/next?p=2', lastIds: { a: '1', b: '2' } }])
  })

  it.each([
    {
      name: 'a plain 200 ends the response with its body (51)',
      link: () => answer({ 'X-Second': '1' }, 'second\n'),
      want: { kind: 'end', body: 'second\n' },
    },
    {
      name: 'a 204 ends it with nothing more',
      link: () => new Response(null, { status: 204 }),
      want: { kind: 'end', body: '' },
    },
    {
      name: 'GRIP without hold or link ends it with the instruction body',
      link: () => answer({ 'Grip-Channel': 'c', 'Content-Type': 'text/plain' }, 'last\n'),
      want: { kind: 'end', body: 'last\n' },
    },
    {
      name: 'a JSON instruction without hold ends it with response.body (19)',
      link: () =>
        answer({ 'Content-Type': 'application/grip-instruct' }, '{"response":{"body":"json\\n"}}'),
      want: { kind: 'end', body: 'json\n' },
    },
    {
      name: 'another next link continues the paging',
      link: () => answer({ 'Grip-Link': '</p3>; rel=next' }, 'page 2\n'),
      want: { kind: 'continue', body: 'page 2\n', hold: 'none', next: '/p3' },
    },
    {
      name: 'a stream hold continues as a held stream',
      link: () =>
        answer(
          { 'Grip-Hold': 'stream', 'Grip-Channel': 'c; prev-id=3', 'Grip-Link': '</r>; rel=next' },
          'missed\n'
        ),
      want: { kind: 'continue', body: 'missed\n', hold: 'stream', next: '/r' },
    },
  ])('$name', async ({ link, want }) => {
    const outcome = await followLink(originAnswering(link).origin, URL_NEXT, {})
    expect(outcome.kind).toBe(want.kind)
    if (outcome.kind === 'failed') throw new Error(outcome.reason)
    expect(text(outcome.body)).toBe(want.body)
    if (outcome.kind === 'continue') {
      expect(outcome.instruct.hold).toBe(want.hold)
      expect(outcome.instruct.nextLink?.url).toBe(want.next)
    }
  })

  it('stops reading a next-link body once it passes 1,000,000 bytes', async () => {
    const chunk = new Uint8Array(64 * 1024)
    let pulled = 0
    let cancelled = false
    // 16 MB on offer, more than a link body may be.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 16 * 1024 * 1024) return controller.close()
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      },
      cancel() {
        cancelled = true
      },
    })
    const outcome = await followLink(
      originAnswering(() => answer({}, endless)).origin,
      URL_NEXT,
      {}
    )
    expect(outcome).toEqual({ kind: 'failed', reason: 'next link body too large' })
    expect(cancelled).toBe(true)
    expect(pulled).toBeLessThan(2 * 1024 * 1024)
  })

  it.each([
    {
      name: 'a response hold (57)',
      link: () => answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c' }),
      reason: 'a next link may not answer with a response hold',
    },
    { name: 'a 404', link: () => answer({}, 'gone', 404), reason: 'next link answered 404' },
    {
      name: 'a 302',
      link: () => answer({ Location: '/x' }, '', 302),
      reason: 'next link answered 302',
    },
    {
      name: 'an invalid instruction',
      link: () => answer({ 'Grip-Hold': 'stream', 'Grip-Timeout': 'abc' }),
      reason: 'Grip-Timeout',
    },
    {
      name: 'a body over 1,000,000 bytes',
      link: () => answer({}, new Uint8Array(1_000_001)),
      reason: 'next link body too large',
    },
    {
      name: 'a body that breaks off',
      link: () =>
        answer(
          {},
          new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array([1]))
              controller.error(new Error('connection reset'))
            },
          })
        ),
      reason: 'connection reset',
    },
    {
      name: 'an unreachable origin',
      link: () => Promise.reject(new Error('connection refused')),
      reason: 'connection refused',
    },
  ])('fails on $name, never rejecting', async ({ link, reason }) => {
    const outcome = await followLink(originAnswering(link).origin, URL_NEXT, {})
    expect(outcome.kind).toBe('failed')
    if (outcome.kind !== 'failed') return
    expect(outcome.reason).toContain(reason)
  })
})
