import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../../src/errors.ts'
import type { RelayReport } from '../../../src/publish/relay.ts'
import { relayResponse, wantsJson } from '../../../src/publish/relay-response.ts'

const ok: RelayReport = {
  items: [{ index: 0, channel: 'news', outcome: 'published' }],
  purgedKeys: ['news'],
  failedKeys: [],
  publishApi: { ok: true, status: 200 },
}

function thrown(report: RelayReport): GatewayError {
  try {
    relayResponse(report, null)
  } catch (error) {
    if (error instanceof GatewayError) return error
  }
  throw new Error('expected a GatewayError')
}

describe('relayResponse', () => {
  it("answers Pushpin's plain Published when everything went out", async () => {
    const response = relayResponse(ok, null)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(await response.text()).toBe('Published\n')
  })

  it('answers JSON when asked', async () => {
    const response = relayResponse(ok, 'application/json')
    expect(await response.json()).toEqual({ message: 'Published', items: 1, purgedKeys: ['news'] })
  })

  it('names each failed item and why, as PUBLISH_FAILED (502)', async () => {
    const error = thrown({
      items: [
        { index: 0, channel: 'item-1', outcome: 'purge-failed', failedKeys: ['items'] },
        { index: 1, channel: 'news', outcome: 'publish-failed' },
        { index: 2, channel: 'sport', outcome: 'publish-failed' },
      ],
      purgedKeys: ['item-1', 'news', 'sport'],
      failedKeys: [{ key: 'items', reason: 'hostcall refused' }],
      publishApi: { ok: false, status: 401, detail: 'Unauthorized' },
    })
    expect(error.code).toBe('PUBLISH_FAILED')
    expect(error.status).toBe(502)
    expect(error.message).toBe(
      '3 of 3 items were not published: items[0] (channel "item-1"): not published, purging items failed; ' +
        'items[1] (channel "news"): the publish API answered 401 (Unauthorized); ' +
        'items[2] (channel "sport"): the publish API answered 401 (Unauthorized)'
    )
    const problem = await error.getResponse().json()
    expect(problem).toMatchObject({
      code: 'PUBLISH_FAILED',
      failedKeys: [{ key: 'items', reason: 'hostcall refused' }],
      publishApi: { status: 401 },
    })
    expect(problem.items).toHaveLength(3)
  })

  it('says when the publish API could not be reached', () => {
    const error = thrown({
      items: [
        { index: 0, channel: 'a', outcome: 'published' },
        { index: 1, channel: 'b', outcome: 'publish-failed' },
      ],
      purgedKeys: [],
      failedKeys: [],
      publishApi: { ok: false, status: 0, detail: 'timeout' },
    })
    expect(error.message).toBe(
      '1 of 2 items were not published: items[1] (channel "b"): the publish API could not be reached (timeout)'
    )
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
