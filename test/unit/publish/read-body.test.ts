import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../../src/errors.ts'
import { PUBLISH_BODY_LIMIT, readPublishBody } from '../../../src/publish/read-body.ts'

const post = (body: string) => new Request('http://gw/publish/', { method: 'POST', body })

async function problemOf(body: string): Promise<GatewayError> {
  try {
    await readPublishBody(post(body))
  } catch (error) {
    if (error instanceof GatewayError) return error
  }
  throw new Error('expected a GatewayError')
}

describe('readPublishBody', () => {
  it('returns the parsed items and the JSON they came from', async () => {
    const json = { items: [{ channel: 'a', formats: { 'http-stream': { content: 'x' } } }] }
    const body = await readPublishBody(post(JSON.stringify(json)))
    expect(body.raw).toEqual(json.items)
    expect(body.items).toHaveLength(1)
    expect(body.items[0]?.channel).toBe('a')
  })

  it.each([
    ['not JSON', '{', 'Body is not valid JSON.', '$'],
    ['no items', '{}', "Invalid format: object does not contain 'items'", 'items'],
    [
      'a bad item',
      '{"items":[{"formats":{}}]}',
      "Invalid format: publish item object does not contain 'channel'",
      'items[0].channel',
    ],
  ])('refuses %s with 400', async (_name, text, detail, field) => {
    const error = await problemOf(text)
    expect([error.status, error.code, error.message, error.extras.field]).toEqual([
      400,
      'BAD_REQUEST',
      detail,
      field,
    ])
  })

  it('refuses a body over the limit with 413', async () => {
    const error = await problemOf(' '.repeat(PUBLISH_BODY_LIMIT + 1))
    expect(error.status).toBe(413)
  })
})
