import { describe, expect, it } from 'vitest'
import { type PublishFormats, parsePublishBody } from '../../../src/grip/publish-item.ts'

const text = (value: string) => new TextEncoder().encode(value)

/** Parses a body holding one item on channel `c` with the given formats. */
const withFormats = (formats: unknown) => parsePublishBody({ items: [{ channel: 'c', formats }] })
const parseItem = (item: unknown) => parsePublishBody({ items: [item] })

describe('publish formats', () => {
  it.each<{ name: string; formats: unknown; want: PublishFormats }>([
    {
      name: 'http-response defaults',
      formats: { 'http-response': { body: '' } },
      want: {
        'http-response': { action: 'send', code: 200, reason: 'OK', headers: [], body: text('') },
      },
    },
    {
      name: 'empty reason falls back to the standard phrase; unknown code has none',
      formats: { 'http-response': { code: 299, reason: '', body: 'x' } },
      want: {
        'http-response': { action: 'send', code: 299, reason: '', headers: [], body: text('x') },
      },
    },
    {
      name: 'non-ASCII reason and header values become UTF-8 byte strings',
      formats: {
        'http-response': { code: 200, reason: 'Très bien', headers: { 'X-N': 'é' }, body: 'x' },
      },
      want: {
        'http-response': {
          action: 'send',
          code: 200,
          reason: 'Tr\u00c3\u00a8s bien',
          headers: [['x-n', '\u00c3\u00a9']],
          body: text('x'),
        },
      },
    },
    {
      // Issue #12 item 5: the gateway frames what it sends; a publisher cannot.
      name: 'framing and hop-by-hop headers are dropped, with the fields Connection names',
      formats: {
        'http-response': {
          headers: [
            ['Content-Length', '2'],
            ['Transfer-Encoding', 'chunked'],
            ['Connection', 'close, X-Secret'],
            ['X-Secret', 's'],
            ['Keep-Alive', 'timeout=1'],
            ['Upgrade', 'h2c'],
            ['TE', 'trailers'],
            ['Trailer', 'x-t'],
            ['Proxy-Connection', 'close'],
            ['Grip-Hold', 'stream'],
            ['Content-Encoding', 'gzip'],
            ['X-Kept', 'yes'],
          ],
          body: 'hello world',
        },
      },
      want: {
        'http-response': {
          action: 'send',
          code: 200,
          reason: 'OK',
          // Content-Encoding stays: a published body is sent as given, unlike an origin's.
          headers: [
            ['content-encoding', 'gzip'],
            ['x-kept', 'yes'],
          ],
          body: text('hello world'),
        },
      },
    },
    {
      name: "code as a string of digits, as @fanoutio/grip's HttpResponseFormat sends it",
      formats: { 'http-response': { code: '201', body: 'x' } },
      want: {
        'http-response': {
          action: 'send',
          code: 201,
          reason: 'Created',
          headers: [],
          body: text('x'),
        },
      },
    },
    {
      name: 'content-bin beats content',
      formats: { 'http-stream': { content: 'no', 'content-bin': 'aGk=' } },
      want: { 'http-stream': { action: 'send', content: text('hi') } },
    },
    {
      name: 'explicit send; unknown fields ignored',
      formats: { 'http-stream': { action: 'send', content: '', 'content-filters': ['x'] } },
      want: { 'http-stream': { action: 'send', content: text('') } },
    },
    {
      name: 'actions without meaning for a format are ignored',
      formats: {
        'http-response': { action: 'close' },
        'http-stream': { action: 'refresh' },
        'ws-message': { action: 'hint' },
      },
      want: {},
    },
    {
      name: 'binary type with text content',
      formats: { 'ws-message': { type: 'binary', content: 'x' } },
      want: { 'ws-message': { action: 'send', type: 'binary', content: text('x') } },
    },
    {
      name: 'close reason of 123 bytes',
      formats: { 'ws-message': { action: 'close', code: 1000, reason: 'r'.repeat(123) } },
      want: { 'ws-message': { action: 'close', code: 1000, reason: 'r'.repeat(123) } },
    },
    {
      name: 'unknown format names are ignored, as in Pushpin',
      formats: { 'http-stream': { content: 'x' }, 'sse-event': {} },
      want: { 'http-stream': { action: 'send', content: text('x') } },
    },
  ])('$name', ({ formats, want }) => {
    expect(withFormats(formats)).toStrictEqual({
      ok: true,
      value: [{ channel: 'c', noSeq: false, formats: want }],
    })
  })

  const at = (format: string, suffix = '') => `items[0].formats.${format}${suffix}`

  it.each<{ name: string; formats: unknown; field: string; message: string }>([
    {
      name: 'format not an object',
      formats: { 'http-stream': 'x' },
      field: at('http-stream'),
      message: "'http-stream' is not an object",
    },
    {
      name: 'action not a string',
      formats: { 'http-stream': { action: 1 } },
      field: at('http-stream', '.action'),
      message: "'http-stream' contains 'action' with wrong type",
    },
    ...['abc', '20x', '', '2e2'].map((code) => ({
      name: `code ${JSON.stringify(code)}, a string that is not a decimal number`,
      formats: { 'http-response': { code, body: '' } },
      field: at('http-response', '.code'),
      message: "'http-response' contains 'code' with wrong type",
    })),
    {
      name: 'code neither a number nor a string',
      formats: { 'http-response': { code: true, body: '' } },
      field: at('http-response', '.code'),
      message: "'http-response' contains 'code' with wrong type",
    },
    {
      name: 'code as a string of digits out of range',
      formats: { 'http-response': { code: '1000', body: '' } },
      field: at('http-response', '.code'),
      message: "'http-response' contains 'code' with invalid value",
    },
    {
      name: 'negative code',
      formats: { 'http-response': { code: -1, body: '' } },
      field: at('http-response', '.code'),
      message: "'http-response' contains 'code' with invalid value",
    },
    {
      name: 'fractional code',
      formats: { 'http-response': { code: 200.5, body: '' } },
      field: at('http-response', '.code'),
      message: "'http-response' contains 'code' with invalid value",
    },
    {
      name: 'reason not a string',
      formats: { 'http-response': { reason: 1, body: '' } },
      field: at('http-response', '.reason'),
      message: "'http-response' contains 'reason' with wrong type",
    },
    {
      name: 'reason with CR LF',
      formats: { 'http-response': { reason: 'a\r\nb', body: '' } },
      field: at('http-response', '.reason'),
      message: "'http-response' contains 'reason' with invalid value",
    },
    {
      name: 'headers of the wrong type',
      formats: { 'http-response': { headers: 'X: 1', body: '' } },
      field: at('http-response', '.headers'),
      message:
        "'http-response' contains 'headers' with wrong type: expected an object or an array of pairs",
    },
    {
      name: 'header name invalid',
      formats: { 'http-response': { headers: [['bad name', 'x']], body: '' } },
      field: at('http-response', '.headers'),
      message:
        "'http-response' contains 'headers' with invalid value: invalid header name \"bad name\"",
    },
    {
      name: 'body not a string',
      formats: { 'http-response': { body: 1 } },
      field: at('http-response', '.body'),
      message: "'http-response' contains 'body' with wrong type",
    },
    {
      name: 'body-bin not base64',
      formats: { 'http-response': { 'body-bin': 'a-b_' } },
      field: at('http-response', '.body-bin'),
      message: "'http-response' contains 'body-bin' with invalid value",
    },
    {
      name: 'body-patch is not supported',
      formats: { 'http-response': { 'body-patch': [] } },
      field: at('http-response', '.body-patch'),
      message: "'http-response' contains 'body-patch', which is not supported",
    },
    {
      name: 'content not a string',
      formats: { 'http-stream': { content: ['x'] } },
      field: at('http-stream', '.content'),
      message: "'http-stream' contains 'content' with wrong type",
    },
    {
      name: 'content-bin not a string',
      formats: { 'ws-message': { 'content-bin': 5 } },
      field: at('ws-message', '.content-bin'),
      message: "'ws-message' contains 'content-bin' with wrong type",
    },
    {
      name: 'ws text without content',
      formats: { 'ws-message': { type: 'text' } },
      field: at('ws-message'),
      message: "'ws-message' does not contain 'content' or 'content-bin'",
    },
    {
      name: 'ws type not a string',
      formats: { 'ws-message': { type: 1, content: 'x' } },
      field: at('ws-message', '.type'),
      message: "'ws-message' contains 'type' with wrong type",
    },
    {
      name: 'ws close code not a number',
      formats: { 'ws-message': { action: 'close', code: '4002' } },
      field: at('ws-message', '.code'),
      message: "'ws-message' contains 'code' with wrong type",
    },
    ...[999, 1005, 1006, 1015, 1016, 2999, 5000, 4000.5].map((code) => ({
      name: `ws close code ${code}`,
      formats: { 'ws-message': { action: 'close', code } },
      field: at('ws-message', '.code'),
      message: "'ws-message' contains 'code' with invalid value",
    })),
    {
      name: 'ws close reason over 123 bytes',
      formats: { 'ws-message': { action: 'close', code: 1000, reason: 'é'.repeat(62) } },
      field: at('ws-message', '.reason'),
      message: "'ws-message' contains 'reason' with invalid value",
    },
    {
      name: 'first bad format wins, in Pushpin order',
      formats: { 'ws-message': {}, 'http-stream': {} },
      field: at('http-stream'),
      message: "'http-stream' does not contain 'content' or 'content-bin'",
    },
  ])('$name fails', ({ formats, field, message }) => {
    expect(withFormats(formats)).toStrictEqual({ ok: false, error: { field, message } })
  })
})

describe('publish item fields', () => {
  const stream = { 'http-stream': { content: 'x' } }

  it.each<{ name: string; item: unknown; field: string; message: string }>([
    {
      name: 'item not an object',
      item: 'x',
      field: 'items[0]',
      message: 'publish item object is not an object',
    },
    {
      name: 'channel not a string',
      item: { channel: 7, formats: stream },
      field: 'items[0].channel',
      message: "publish item object contains 'channel' with wrong type",
    },
    {
      name: 'empty channel',
      item: { channel: '', formats: stream },
      field: 'items[0].channel',
      message: "publish item object contains 'channel' with invalid value",
    },
    {
      name: 'id not a string',
      item: { channel: 'c', id: 1, formats: stream },
      field: 'items[0].id',
      message: "publish item object contains 'id' with wrong type",
    },
    {
      name: 'prev-id not a string',
      item: { channel: 'c', 'prev-id': null, formats: stream },
      field: 'items[0].prev-id',
      message: "publish item object contains 'prev-id' with wrong type",
    },
    {
      name: 'formats not an object',
      item: { channel: 'c', formats: [stream] },
      field: 'items[0].formats',
      message: "publish item object contains 'formats' with wrong type",
    },
    {
      name: 'empty formats',
      item: { channel: 'c', formats: {} },
      field: 'items[0].formats',
      message: 'no formats specified',
    },
    {
      name: 'legacy format errors name the top-level path',
      item: { channel: 'c', 'http-stream': {} },
      field: 'items[0].http-stream',
      message: "'http-stream' does not contain 'content' or 'content-bin'",
    },
    {
      name: 'meta not an object',
      item: { channel: 'c', formats: stream, meta: 'x' },
      field: 'items[0].meta',
      message: "publish item object contains 'meta' with wrong type",
    },
    {
      name: 'meta value not a string',
      item: { channel: 'c', formats: stream, meta: { user: 1 } },
      field: 'items[0].meta',
      message: "'meta' contains 'user' with wrong type",
    },
    {
      name: 'no-seq not a boolean',
      item: { channel: 'c', formats: stream, 'no-seq': 'true' },
      field: 'items[0].no-seq',
      message: "publish item object contains 'no-seq' with wrong type",
    },
    {
      name: 'purge not an array',
      item: { channel: 'c', formats: stream, purge: 'k' },
      field: 'items[0].purge',
      message: "publish item object contains 'purge' with wrong type",
    },
    ...['', 'a b', 7, 'k'.repeat(1025)].map((key) => ({
      name: `purge key ${JSON.stringify(key).slice(0, 12)}`,
      item: { channel: 'c', formats: stream, purge: ['ok', key] },
      field: 'items[0].purge[1]',
      message: "publish item object contains 'purge' with invalid value",
    })),
  ])('$name fails', ({ item, field, message }) => {
    expect(parseItem(item)).toStrictEqual({ ok: false, error: { field, message } })
  })

  it('keeps an empty id and an empty purge list as given', () => {
    expect(parseItem({ channel: 'c', id: '', purge: [], formats: stream })).toStrictEqual({
      ok: true,
      value: [
        {
          channel: 'c',
          id: '',
          noSeq: false,
          purge: [],
          formats: { 'http-stream': { action: 'send', content: text('x') } },
        },
      ],
    })
  })

  it('decodes base64 once, into bytes shared by every delivery', () => {
    const result = withFormats({ 'http-stream': { 'content-bin': 'AAEC' } })
    const format = result.ok ? result.value[0]?.formats['http-stream'] : undefined
    expect(format).toStrictEqual({ action: 'send', content: Uint8Array.from([0, 1, 2]) })
  })
})
