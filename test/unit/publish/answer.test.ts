import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../../src/errors.ts'
import { publishAnswer, wantsJson } from '../../../src/publish/answer.ts'
import type { PublishOutcome } from '../../../src/publish/flow.ts'

const ok: PublishOutcome = {
  items: [{ index: 0, channel: 'news', outcome: 'published' }],
  report: { items: 1, released: 1, held: 0, duplicates: 0 },
  purgedKeys: ['news'],
  failedKeys: [],
  objects: 2,
}

function thrown(outcome: PublishOutcome): GatewayError {
  try {
    publishAnswer(outcome, null)
  } catch (error) {
    if (error instanceof GatewayError) return error
  }
  throw new Error('expected a GatewayError')
}

describe('publishAnswer', () => {
  it("answers Pushpin's plain Published when everything went out", async () => {
    const response = publishAnswer(ok, null)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(await response.text()).toBe('Published\n')
  })

  it('answers JSON when asked: one shape, the counts a tier cannot know as null', async () => {
    expect(await publishAnswer(ok, 'application/json').json()).toEqual({
      message: 'Published',
      items: 1,
      released: 1,
      held: 0,
      duplicates: 0,
      purged: 2,
      purgedKeys: ['news'],
    })
    const uncounted = {
      ...ok,
      report: { items: 1, released: null, held: null, duplicates: null },
      objects: null,
    }
    expect(await publishAnswer(uncounted, 'application/json').json()).toEqual({
      message: 'Published',
      items: 1,
      released: null,
      held: null,
      duplicates: null,
      purged: null,
      purgedKeys: ['news'],
    })
  })

  it('names each item whose purge failed, as PUBLISH_FAILED (502)', async () => {
    const error = thrown({
      items: [
        { index: 0, channel: 'item-1', outcome: 'purge-failed', failedKeys: ['items'] },
        { index: 1, channel: 'news', outcome: 'published' },
      ],
      report: { items: 1, released: 1, held: 0, duplicates: 0 },
      purgedKeys: ['item-1', 'news'],
      failedKeys: [{ key: 'items', reason: 'hostcall refused' }],
      objects: null,
    })
    expect(error.code).toBe('PUBLISH_FAILED')
    expect(error.status).toBe(502)
    expect(error.message).toBe(
      '1 of 2 items were not published: items[0] (channel "item-1"): not published, purging items failed'
    )
    const problem = await error.getResponse().json()
    expect(problem).toMatchObject({
      code: 'PUBLISH_FAILED',
      failedKeys: [{ key: 'items', reason: 'hostcall refused' }],
      released: 1,
      purgedKeys: ['item-1', 'news'],
    })
    expect(problem.items).toHaveLength(2)
  })

  it.each([
    ['application/json', true],
    ['application/*', true],
    ['text/plain, application/json', false],
    [null, false],
  ])('wantsJson(%j) → %s', (accept, want) => {
    expect(wantsJson(accept)).toBe(want)
  })
})
