import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type PublishItem,
  type PublishProblem,
  parsePublishBody,
  publishProblemText,
} from '../../../src/grip/publish-item.ts'

const FIXTURES = join(import.meta.dirname, '../../../fixtures/publish')
const fixture = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'))
const text = (value: string) => new TextEncoder().encode(value)
const bytes = (...values: number[]) => Uint8Array.from(values)

const VALID: Record<string, PublishItem[]> = {
  'valid-all-formats.json': [
    {
      channel: 'room-7',
      id: '42',
      prevId: '41',
      noSeq: false,
      formats: {
        'http-response': {
          action: 'send',
          code: 200,
          reason: 'OK',
          headers: [['content-type', 'application/json']],
          body: text('{"n":42}\n'),
        },
        'http-stream': { action: 'send', content: text('event: n\ndata: 42\n\n') },
        'ws-message': { action: 'send', type: 'text', content: text('{"n":42}') },
      },
    },
  ],
  // GRIP-CONFORMANCE item 69.
  'valid-legacy-format.json': [
    {
      channel: 'a',
      noSeq: false,
      formats: { 'http-stream': { action: 'send', content: text('x') } },
    },
  ],
  // Item 68.
  'valid-empty-items.json': [],
  // Items 30, 40 and 89.
  'valid-binary-content.json': [
    {
      channel: 'bin',
      noSeq: false,
      formats: {
        'http-response': {
          action: 'send',
          code: 409,
          reason: 'Custom Reason',
          headers: [],
          body: text('hi'),
        },
        'http-stream': { action: 'send', content: bytes(0x00, 0x01, 0x02, 0xff) },
        'ws-message': { action: 'send', type: 'binary', content: bytes(0xde, 0xad, 0xbe, 0xef) },
      },
    },
  ],
  // Item 29: Grip-* headers in a publish are dropped.
  'valid-published-headers.json': [
    {
      channel: 'lp',
      noSeq: false,
      formats: {
        'http-response': {
          action: 'send',
          code: 201,
          reason: 'Created',
          headers: [
            ['x-pub', '1'],
            ['x-keep', 'pub'],
            ['content-type', 'application/json'],
          ],
          body: text('{}'),
        },
      },
    },
    {
      channel: 'lp',
      noSeq: false,
      formats: {
        'http-response': {
          action: 'send',
          code: 200,
          reason: 'OK',
          headers: [
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
          ],
          body: text(''),
        },
      },
    },
  ],
  // Items 32, 41 and 91; a `hint` to WebSockets is accepted and ignored (GRIP.md §7.5).
  'valid-actions.json': [
    { channel: 'lp', noSeq: false, formats: { 'http-response': { action: 'hint' } } },
    { channel: 's', noSeq: false, formats: { 'http-stream': { action: 'close' } } },
    { channel: 's', noSeq: false, formats: { 'http-stream': { action: 'hint' } } },
    {
      channel: 'w',
      noSeq: false,
      formats: { 'ws-message': { action: 'close', code: 4002, reason: 'pubclose' } },
    },
    { channel: 'w', noSeq: false, formats: { 'ws-message': { action: 'close' } } },
    { channel: 'w', noSeq: false, formats: { 'ws-message': { action: 'refresh' } } },
    { channel: 'w', noSeq: false, formats: {} },
    {
      channel: 'w',
      noSeq: false,
      formats: { 'ws-message': { action: 'send', type: 'ping', content: bytes() } },
    },
    {
      channel: 'w',
      noSeq: false,
      formats: { 'ws-message': { action: 'send', type: 'pong', content: text('p') } },
    },
    {
      channel: 'w',
      noSeq: false,
      formats: { 'ws-message': { action: 'send', type: 'text', content: text('hi') } },
    },
  ],
  // Item 54.
  'valid-sequencing.json': [
    {
      channel: 'rel2',
      id: '2',
      prevId: '1',
      noSeq: false,
      formats: { 'http-stream': { action: 'send', content: text('m2') } },
    },
    {
      channel: 'rel2',
      id: '4',
      prevId: '3',
      noSeq: true,
      meta: { sender: 'u1' },
      formats: { 'http-stream': { action: 'send', content: text('m4') } },
    },
  ],
  'valid-purge.json': [
    {
      channel: 'prices',
      noSeq: false,
      purge: ['product/42', 'listing'],
      formats: { 'http-stream': { action: 'send', content: text('event: price\ndata: 9.99\n\n') } },
    },
  ],
}

/** Expected problem and Pushpin's 400 body line for each invalid fixture (items 63-67). */
const INVALID: Record<string, { problem: PublishProblem; text: string }> = {
  'invalid-not-object.json': {
    problem: { field: '$', message: 'body is not an object' },
    text: 'Invalid format.',
  },
  'invalid-no-items.json': {
    problem: { field: 'items', message: "object does not contain 'items'" },
    text: "Invalid format: object does not contain 'items'",
  },
  'invalid-items-wrong-type.json': {
    problem: { field: 'items', message: "object contains 'items' with wrong type" },
    text: "Invalid format: object contains 'items' with wrong type",
  },
  'invalid-no-formats.json': {
    problem: { field: 'items[0].formats', message: 'no formats specified' },
    text: 'Invalid format: no formats specified',
  },
  'invalid-no-channel.json': {
    problem: {
      field: 'items[0].channel',
      message: "publish item object does not contain 'channel'",
    },
    text: "Invalid format: publish item object does not contain 'channel'",
  },
  'invalid-stream-no-content.json': {
    problem: {
      field: 'items[0].formats.http-stream',
      message: "'http-stream' does not contain 'content' or 'content-bin'",
    },
    text: "Invalid format: 'http-stream' does not contain 'content' or 'content-bin'",
  },
  'invalid-response-no-body.json': {
    problem: {
      field: 'items[0].formats.http-response',
      message: "'http-response' does not contain 'body', 'body-bin', or 'body-patch'",
    },
    text: "Invalid format: 'http-response' does not contain 'body', 'body-bin', or 'body-patch'",
  },
  'invalid-ws-unknown-type.json': {
    problem: {
      field: 'items[0].formats.ws-message.type',
      message: "'ws-message' contains 'type' with unknown value",
    },
    text: "Invalid format: 'ws-message' contains 'type' with unknown value",
  },
  // Pushpin's detail is empty here ("Invalid format: "); ours says what is wrong.
  'invalid-unknown-action.json': {
    problem: {
      field: 'items[0].formats.http-stream.action',
      message: "'http-stream' contains 'action' with unknown value",
    },
    text: "Invalid format: 'http-stream' contains 'action' with unknown value",
  },
  'invalid-code-1000.json': {
    problem: {
      field: 'items[0].formats.http-response.code',
      message: "'http-response' contains 'code' with invalid value",
    },
    text: "Invalid format: 'http-response' contains 'code' with invalid value",
  },
  // Item 67: one bad item rejects the batch.
  'invalid-mixed-batch.json': {
    problem: {
      field: 'items[1].formats.http-stream',
      message: "'http-stream' does not contain 'content' or 'content-bin'",
    },
    text: "Invalid format: 'http-stream' does not contain 'content' or 'content-bin'",
  },
}

describe('parsePublishBody fixtures', () => {
  it('has an expectation for every fixture', () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json'))
    expect(files.sort()).toStrictEqual([...Object.keys(VALID), ...Object.keys(INVALID)].sort())
  })

  it.each(Object.entries(VALID))('%s', (file, want) => {
    expect(parsePublishBody(fixture(file))).toStrictEqual({ ok: true, value: want })
  })

  it.each(Object.entries(INVALID))('%s', (file, want) => {
    const result = parsePublishBody(fixture(file))
    expect(result).toStrictEqual({ ok: false, error: want.problem })
    expect(result.ok ? '' : publishProblemText(result.error)).toBe(want.text)
  })
})
