/**
 * Fuzz: the pure GRIP parsers (issue #12). Each takes untrusted text or bytes and must
 * return a `Result` (or its documented fallback) without throwing, and what it accepts must
 * be usable downstream: an accepted instruction or published `http-response` builds a web
 * `Response` without throwing, an accepted link resolves as a URL, channel lists respect
 * their cap.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { publishedResponse, toResponse } from '../../src/grip/client-response.ts'
import { parseLinks } from '../../src/grip/grip-link.ts'
import {
  parseHeaderElement,
  parseHeaderList,
  parseHeaderParamsList,
  parseNonNegativeInt,
  splitHeaderList,
} from '../../src/grip/header-params.ts'
import { parseInstruct } from '../../src/grip/instruct.ts'
import { MIN_TIMEOUT_SEC } from '../../src/grip/instruct-headers.ts'
import { decodeKeepAliveData, unescapeCString } from '../../src/grip/keep-alive-data.ts'
import { parsePublishBody } from '../../src/grip/publish-item.ts'
import { interpretOriginMessage, parseGripExtension } from '../../src/grip/ws-control.ts'
import { keepAliveIntervalSec, readSetMetaHeaders } from '../../src/grip/ws-meta.ts'
import { count, figures, fuzzParams, fuzzSync, fuzzTimeout } from '../helpers/fuzz.ts'
import { anyString, bodyBytes, headerValue } from '../helpers/fuzz-arbitraries.ts'
import { originAnswer } from '../helpers/fuzz-instruct-arbitraries.ts'
import { itemShaped } from '../helpers/fuzz-publish-arbitraries.ts'

const isResult = (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as { ok: unknown }).ok === 'boolean'

describe('fuzz: GRIP parsers', () => {
  it(
    'parseInstruct: a Result; an accepted instruction is sane and builds its Response',
    () => {
      const f = figures('parseInstruct (headers + JSON)', false)
      const maxChannels = fc.integer({ min: 0, max: 25 })
      fc.assert(
        fc.property(originAnswer(), maxChannels, (answer, max) => {
          const parsed = fuzzSync(f, () => {
            const result = parseInstruct(answer.status, new Headers(answer.headers), answer.body, {
              maxChannels: max,
            })
            // Whatever it accepted must become a client response without throwing.
            if (result.ok) {
              toResponse(result.value.response, 'GET')
              toResponse(result.value.response, 'HEAD')
            }
            return result
          })
          expect(isResult(parsed)).toBe(true)
          count(f, parsed.ok ? `ok:${parsed.value.hold}` : 'error')
          if (!parsed.ok) {
            expect(typeof parsed.error).toBe('string')
            return
          }
          const instruct = parsed.value
          expect(['none', 'response', 'stream']).toContain(instruct.hold)
          expect(instruct.channels.length).toBeLessThanOrEqual(max)
          for (const channel of instruct.channels) expect(channel.name).not.toBe('')
          expect(Number.isInteger(instruct.timeoutSec)).toBe(true)
          expect(instruct.timeoutSec).toBeGreaterThanOrEqual(MIN_TIMEOUT_SEC)
          expect(instruct.response.code).toBeGreaterThanOrEqual(0)
          expect(instruct.response.code).toBeLessThanOrEqual(999)
          if (instruct.keepAlive) expect(instruct.keepAlive.data.length).toBeGreaterThan(0)
        }),
        fuzzParams(2)
      )
    },
    fuzzTimeout(2)
  )

  it(
    'header lists, elements, parameters and integers: never throw',
    () => {
      const f = figures('header-params / grip-link / keep-alive data', false)
      const text = fc.oneof(anyString(80), headerValue(80))
      fc.assert(
        fc.property(
          text,
          fc.constantFrom('raw', 'cstring', 'base64') as fc.Arbitrary<'raw'>,
          (value, format) => {
            const links = fuzzSync(f, () => {
              splitHeaderList(value)
              parseHeaderElement(value)
              parseHeaderList(value)
              parseHeaderParamsList(value)
              parseNonNegativeInt(value)
              decodeKeepAliveData(value, format)
              unescapeCString(new TextEncoder().encode(value))
              parseGripExtension(value)
              keepAliveIntervalSec(value)
              return parseLinks(value)
            })
            expect(isResult(links)).toBe(true)
            count(f, links.ok ? 'links ok' : 'links error')
            if (links.ok) {
              for (const link of [links.value.nextLink, links.value.goneLink]) {
                if (link) expect(() => new URL(link.url, 'http://gw.test/')).not.toThrow()
              }
            }
          }
        ),
        fuzzParams()
      )
    },
    fuzzTimeout()
  )

  it(
    'WebSocket-over-HTTP origin messages and Set-Meta headers: never throw',
    () => {
      const f = figures('ws-control / ws-meta', false)
      const message = fc.oneof(
        bodyBytes(256),
        anyString(100).map((text) => new TextEncoder().encode(`c:${text}`)),
        fc
          .record(
            {
              type: fc.constantFrom(
                'subscribe',
                'unsubscribe',
                'detach',
                'keep-alive',
                'set-meta',
                'session'
              ),
              channel: anyString(10),
              filters: fc.array(anyString(5), { maxLength: 2 }),
              content: anyString(10),
              'content-bin': anyString(10),
              timeout: fc.oneof(fc.integer(), fc.double()),
              mode: anyString(8),
              'message-type': fc.constantFrom('text', 'binary', 'ping', 'pong', 'close'),
              name: anyString(8),
              value: anyString(8),
            },
            { requiredKeys: ['type'] }
          )
          .map((control) => new TextEncoder().encode(`c:${JSON.stringify(control)}`))
      )
      fc.assert(
        fc.property(
          message,
          fc.constantFrom('TEXT', 'BINARY') as fc.Arbitrary<'TEXT'>,
          fc.constantFrom('', 'm:', 'c:'),
          fc.dictionary(
            headerValue(10).map((name) => `set-meta-${name.replace(/[^\w-]/g, '')}`),
            headerValue(20),
            {
              maxKeys: 3,
            }
          ),
          (content, type, prefix, setMeta) => {
            const action = fuzzSync(f, () => {
              readSetMetaHeaders(new Headers(setMeta))
              return interpretOriginMessage({ type, content }, prefix)
            })
            count(f, action.kind)
            expect(['control', 'message', 'drop']).toContain(action.kind)
          }
        ),
        fuzzParams()
      )
    },
    fuzzTimeout()
  )

  it(
    'parsePublishBody: a Result; an accepted http-response builds its Response',
    () => {
      const f = figures('parsePublishBody', false)
      fc.assert(
        fc.property(itemShaped, (body) => {
          const parsed = fuzzSync(f, () => {
            const result = parsePublishBody(body)
            if (!result.ok) return result
            for (const item of result.value) {
              const format = item.formats['http-response']
              if (format?.action !== 'send') continue
              const held = { code: 200, reason: 'OK', headers: [], body: new Uint8Array(0) }
              toResponse(publishedResponse(held, format), 'GET')
            }
            return result
          })
          expect(isResult(parsed)).toBe(true)
          count(f, parsed.ok ? 'ok' : 'error')
        }),
        fuzzParams()
      )
    },
    fuzzTimeout()
  )
})
