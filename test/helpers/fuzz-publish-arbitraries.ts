/**
 * Generators for publish requests (GRIP.md §8.1): bodies shaped like Pushpin's publish JSON
 * whose fields take random types and values here and there, and the request headers a
 * publisher, or an attacker holding the key, might send.
 */
import fc from 'fast-check'
import {
  anyJson,
  anyString,
  base64ish,
  contentType,
  headerValue,
  mostly,
  someOf,
  trickyKey,
} from './fuzz-arbitraries.ts'
import { FUZZ_CHANNELS } from './fuzz-gateway.ts'

const channel = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FUZZ_CHANNELS) }, anyString(30))
const id = fc.oneof(fc.constantFrom('1', '2', '3', ''), anyString(8))
const action = mostly(fc.constantFrom('send', 'hint', 'close', 'refresh'))
const headerName = fc.oneof(
  fc.constantFrom(
    'content-type',
    'grip-hold',
    'set-cookie',
    'content-length',
    'x-a',
    'Grip-Channel'
  ),
  anyString(12)
)
const jsonHeaders = fc.oneof(
  fc.dictionary(headerName, mostly(anyString(30)), { maxKeys: 4 }),
  fc.array(fc.tuple(headerName, mostly(anyString(30))), { maxLength: 4 })
)

const httpStream = someOf({
  action,
  content: mostly(anyString(80)),
  'content-bin': mostly(base64ish),
})
const httpResponse = someOf({
  action,
  code: mostly(
    fc.oneof(fc.integer({ min: -5, max: 1200 }), fc.constantFrom('200', ' 404 ', '1e3', '0x1f'))
  ),
  reason: mostly(anyString(20)),
  headers: mostly(jsonHeaders),
  body: mostly(anyString(80)),
  'body-bin': mostly(base64ish),
  'body-patch': anyJson,
})
const wsMessage = someOf({
  action,
  type: mostly(fc.constantFrom('text', 'binary', 'ping', 'pong', 'close')),
  content: mostly(anyString(80)),
  'content-bin': mostly(base64ish),
  code: mostly(
    fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(1000, 1005, 1006, 4000))
  ),
  reason: mostly(anyString(130)),
})
const formats = someOf({
  'http-stream': mostly(httpStream),
  'http-response': mostly(httpResponse),
  'ws-message': mostly(wsMessage),
})
const item = fc
  .tuple(
    mostly(channel),
    someOf({
      id: mostly(id),
      'prev-id': mostly(id),
      formats: mostly(formats),
      'http-stream': mostly(httpStream),
      'ws-message': mostly(wsMessage),
      meta: mostly(
        fc.dictionary(fc.oneof(anyString(10), trickyKey), mostly(anyString(20)), { maxKeys: 3 })
      ),
      'no-seq': mostly(fc.boolean()),
      purge: mostly(fc.array(mostly(anyString(30)), { maxLength: 3 })),
      'purge-mode': mostly(fc.constantFrom('hard', 'soft')),
    })
  )
  .map(([name, rest]) => ({ channel: name, ...rest }))
/** A publish body shaped like GRIP's, with fields of random types here and there. */
export const itemShaped = someOf({
  items: mostly(fc.array(item, { maxLength: 6 })),
  'purge-mode': mostly(fc.constantFrom('hard', 'soft')),
}).map((body) => ({ items: [], ...body }))

/** Request headers a publisher (or an attacker with the key) might send. */
export const publishHeaders = fc.record(
  {
    'content-type': contentType,
    accept: fc.oneof(
      fc.constantFrom('application/json', 'text/plain', '*/*', 'application/*'),
      headerValue(30)
    ),
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-junk'),
  },
  { requiredKeys: [] }
)
