/**
 * Generators for GRIP instructions from an origin (GRIP.md §3): `Grip-*` header values built
 * from their grammar with random pieces swapped in, `application/grip-instruct` JSON with
 * fields of random types, and whole origin answers combining them.
 */
import fc from 'fast-check'
import {
  anyJson,
  anyString,
  base64ish,
  bodyBytes,
  headerValue,
  mostly,
  someOf,
} from './fuzz-arbitraries.ts'
import { FUZZ_CHANNELS } from './fuzz-gateway.ts'

/** A token, a quoted string with escapes, or junk: the value of a header parameter. */
const paramValue = fc.oneof(
  fc.constantFrom(
    '',
    'x',
    '0',
    '55',
    'idle',
    'interval',
    'raw',
    'cstring',
    'base64',
    'next',
    'gone'
  ),
  fc.nat({ max: 100_000 }).map(String),
  headerValue(12).map((text) => `"${text.replace(/"/g, '\\"')}"`),
  headerValue(12)
)
const paramName = fc.oneof(
  fc.constantFrom('prev-id', 'filter', 'timeout', 'mode', 'format', 'rel', 'message-prefix'),
  headerValue(8)
)
/** `value; name=v; name` with a few parameters. */
const element = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(
      value,
      fc.array(fc.tuple(paramName, fc.option(paramValue, { nil: undefined })), { maxLength: 3 })
    )
    .map(([head, params]) =>
      [head, ...params.map(([n, v]) => (v === undefined ? n : `${n}=${v}`))].join('; ')
    )
const list = (value: fc.Arbitrary<string>) =>
  fc.array(element(value), { maxLength: 4 }).map((parts) => parts.join(', '))

/** A header that is either grammar-shaped or plain junk. */
const shaped = (grammar: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 8, arbitrary: grammar }, { weight: 1, arbitrary: headerValue(60) })

/** Durations as header text, mostly short, some up to `max` seconds. */
const seconds = (max: number) =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.nat({ max: 120 }) },
      { weight: 1, arbitrary: fc.nat({ max }) }
    )
    .map(String)

const channelName = fc.oneof(fc.constantFrom(...FUZZ_CHANNELS), headerValue(20))
const url = fc.oneof(
  fc.constantFrom('/next', 'http://gw.test/next', '//evil.example/x', 'http://[::1', ':', '/a b'),
  headerValue(30)
)

/** `Grip-*` headers of an origin answer; `maxSeconds` bounds durations (see `seconds`). */
export const gripHeaders = (maxSeconds = 2 ** 31 - 1) =>
  fc.record(
    {
      'grip-hold': shaped(fc.constantFrom('response', 'stream')),
      'grip-channel': shaped(list(channelName)),
      'grip-timeout': shaped(seconds(maxSeconds)),
      'grip-keep-alive': shaped(
        element(fc.oneof(fc.constantFrom('ka', '\\x41\\n', 'a\\'), headerValue(10)))
      ),
      'grip-set-meta': shaped(
        list(
          fc
            .tuple(
              fc.oneof(fc.constantFrom('user', 'x', '__proto__'), headerValue(8)),
              headerValue(8)
            )
            .map(([n, v]) => `${n}=${v}`)
        )
      ),
      'grip-status': shaped(
        fc
          .tuple(
            fc.oneof(
              { weight: 6, arbitrary: fc.integer({ min: 200, max: 599 }) },
              { weight: 1, arbitrary: fc.integer({ min: 0, max: 1100 }) }
            ),
            headerValue(10)
          )
          .map(([code, reason]) => `${code} ${reason}`)
      ),
      'grip-link': shaped(list(fc.tuple(url, fc.constant('')).map(([u]) => `<${u}>`))),
      'grip-expose-headers': shaped(
        list(fc.constantFrom('content-type', 'x-a', 'grip-hold', 'set-cookie'))
      ),
      'grip-previous-id': headerValue(10),
      'x-a': headerValue(20),
      'content-encoding': fc.constantFrom('gzip', 'identity'),
      'transfer-encoding': fc.constantFrom('chunked'),
    },
    { requiredKeys: [] }
  )

const jsonHeaders = fc.oneof(
  fc.dictionary(anyString(12), mostly(anyString(30)), { maxKeys: 3 }),
  fc.array(fc.tuple(anyString(12), mostly(anyString(30))), { maxLength: 3 })
)

/** An `application/grip-instruct` document with fields of random types here and there. */
export const instructJson = someOf({
  hold: mostly(
    someOf({
      mode: mostly(fc.constantFrom('response', 'stream', 'none')),
      channels: mostly(
        fc.array(
          mostly(
            someOf({
              name: mostly(channelName),
              'prev-id': mostly(anyString(8)),
              filters: mostly(fc.array(mostly(anyString(10)), { maxLength: 2 })),
            })
          ),
          { maxLength: 4 }
        )
      ),
      timeout: mostly(fc.oneof(fc.nat({ max: 120 }), fc.integer(), fc.constant(2 ** 31))),
      'keep-alive': mostly(
        someOf({
          content: mostly(anyString(10)),
          'content-bin': mostly(base64ish),
          timeout: mostly(fc.oneof(fc.nat({ max: 120 }), fc.integer())),
        })
      ),
      meta: mostly(fc.dictionary(anyString(8), mostly(anyString(8)), { maxKeys: 3 })),
    })
  ),
  response: mostly(
    someOf({
      code: mostly(fc.integer({ min: -5, max: 1100 })),
      reason: mostly(anyString(20)),
      headers: mostly(jsonHeaders),
      body: mostly(anyString(60)),
      'body-bin': mostly(base64ish),
    })
  ),
})

/** Statuses an origin answers with; 5xx are left out so any 5xx is the gateway's own. */
export const originStatus = fc.constantFrom(
  200,
  200,
  200,
  201,
  204,
  206,
  301,
  304,
  400,
  404,
  410,
  429
)

/** One origin answer carrying (maybe) GRIP instructions. */
export interface OriginAnswer {
  status: number
  headers: Record<string, string>
  body: Uint8Array
}

/** An origin answer: Grip headers, maybe instruct JSON (as JSON or mangled bytes). */
export const originAnswer = (maxSeconds?: number): fc.Arbitrary<OriginAnswer> =>
  fc
    .tuple(
      originStatus,
      gripHeaders(maxSeconds),
      fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: instructJson.map((doc) => JSON.stringify(doc)) },
        { weight: 1, arbitrary: anyJson.map((doc) => JSON.stringify(doc)) }
      ),
      bodyBytes(512),
      fc.constantFrom(
        'application/grip-instruct',
        'Application/Grip-Instruct; charset=utf-8',
        'text/plain'
      )
    )
    .map(([status, headers, json, bytes, type]) =>
      json === undefined
        ? { status, headers, body: bytes }
        : {
            status,
            headers: { ...headers, 'content-type': type },
            body: new TextEncoder().encode(json),
          }
    )

/**
 * A valid instruction from valid pieces (holds of both kinds, channels the subscribers use,
 * prev-ids, keep-alives, next links, statuses), so that the gateway property reaches the
 * held sessions as often as the parsers' error paths.
 */
export const validAnswer: fc.Arbitrary<OriginAnswer> = fc
  .record(
    {
      'grip-hold': fc.constantFrom('response', 'stream'),
      'grip-channel': fc
        .array(fc.tuple(fc.constantFrom(...FUZZ_CHANNELS), fc.option(fc.constantFrom('1', '2'))), {
          minLength: 1,
          maxLength: 3,
        })
        .map((channels) =>
          channels.map(([name, prev]) => (prev ? `${name}; prev-id=${prev}` : name)).join(', ')
        ),
      'grip-timeout': fc.nat({ max: 120 }).map(String),
      'grip-keep-alive': fc
        .tuple(
          fc.constantFrom('ka\\n; format=cstring', 'a2E=; format=base64', 'ka'),
          fc.nat({ max: 60 }),
          fc.constantFrom('idle', 'interval')
        )
        .map(([data, timeout, mode]) => `${data}; timeout=${timeout}; mode=${mode}`),
      'grip-link': fc
        .tuple(fc.constantFrom('/next', 'http://gw.test/next'), fc.nat({ max: 200 }))
        .map(([url, timeout]) => `<${url}>; rel=next; timeout=${timeout}`),
      'grip-status': fc.constantFrom('200', '201 Created', '404 Not Here', '299 x'),
      'grip-set-meta': fc.constant('user=alice'),
      'content-type': fc.constantFrom('text/event-stream', 'text/plain'),
    },
    { requiredKeys: ['grip-hold', 'grip-channel'] }
  )
  .chain((headers) =>
    fc.tuple(
      fc.constant(headers),
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(200, 200, 201, 404)
    )
  )
  .map(([headers, body, status]) => ({ status, headers, body }))
