/**
 * One black-box suite, three platforms (issue #13): each case is a request and what the client
 * must see, run by test/integration/black-box.test.ts (Node, real sockets),
 * test/workers/black-box.test.ts (the Worker's own fetch handler in workerd) and
 * test/fastly/black-box.test.ts (createFastlyApp on the fastly:* shims), all against the
 * config of black-box-config.ts and the origin of black-box-origin.ts. Declarative, like
 * js-compute-runtime's tests.json: a platform that answers differently today says so in
 * `differs`, with the reason, so the differences are a visible work list, not hidden skips.
 *
 * Placeholders in paths and expected strings, filled by each runner: `{run}` (unique per
 * run, for cache keys), `{client}` (the client address the platform reports to the origin),
 * `{proto}` (the scheme the client used: the Node runner speaks plain HTTP),
 * `{unreachable}` (the address of the origin that cannot be reached).
 * @module
 */

import { describe, expect, it } from 'vitest'
import { BB_PUBLISH_KEY, CATCH_ALL_HOST } from './black-box-config.ts'
import { FORWARDED_MARK, PLAIN_TEXT } from './black-box-origin.ts'

/** The platforms the suite runs on. */
export type PlatformName = 'node' | 'workers' | 'fastly'

/** In `headers` or a `json` subset: the field must not be there. */
export const ABSENT = '<absent>'

/** One request, as a client sends it. */
export interface CaseRequest {
  method?: string
  /** Host the request is for; `gw.test` unless given. */
  host?: string
  path: string
  headers?: Record<string, string>
  body?: string
}

/** What the client must see. */
export interface Expected {
  status: number
  /** Lower-case names; a string must match exactly, `ABSENT` means no such field. */
  headers?: Record<string, string>
  /** A subset of the JSON body: objects compare key by key, anything else by equality. */
  json?: Record<string, unknown>
  text?: string
  /** Strings the body must not contain (addresses that must not leak). */
  excludes?: string[]
}

/** A platform's answer today that differs from `expect`, and why. */
export interface Difference {
  /** Replaces the named parts of `expect`; `json` is merged into it key by key. */
  expect: Partial<Expected>
  note: string
}

/** One case of the suite. */
export interface BlackBoxCase {
  name: string
  /** Sent first, in order, their answers read and dropped (e.g. to fill a cache). */
  before?: CaseRequest[]
  request: CaseRequest
  expect: Expected
  /** Where the case runs, when not everywhere, and why not elsewhere. */
  only?: { platforms: PlatformName[]; why: string }
  differs?: Partial<Record<PlatformName, Difference>>
}

const auth = { authorization: `Bearer ${BB_PUBLISH_KEY}` }
const json = { 'content-type': 'application/json' }
const problem = { 'content-type': 'application/problem+json' }

/** The suite. */
export const BLACK_BOX_CASES: BlackBoxCase[] = [
  {
    name: 'a path no route matches answers 404 ROUTE_NOT_FOUND as problem JSON',
    request: { path: '/elsewhere' },
    expect: { status: 404, headers: problem, json: { code: 'ROUTE_NOT_FOUND', status: 404 } },
  },
  {
    name: 'an unknown /_gripgate/ path answers 404 and never reaches the origin',
    request: { host: CATCH_ALL_HOST, path: '/_gripgate/unknown' },
    expect: {
      status: 404,
      headers: problem,
      json: { code: 'ROUTE_NOT_FOUND' },
      excludes: [FORWARDED_MARK],
    },
  },
  {
    name: '//_gripgate/x answers 404 and never reaches the origin',
    request: { host: CATCH_ALL_HOST, path: '//_gripgate/x' },
    expect: {
      status: 404,
      headers: problem,
      json: { code: 'ROUTE_NOT_FOUND' },
      excludes: [FORWARDED_MARK],
    },
  },
  {
    name: 'a percent-encoded /%5Fgripgate/ path answers 404 and never reaches the origin',
    request: { host: CATCH_ALL_HOST, path: '/%5Fgripgate/x' },
    expect: {
      status: 404,
      headers: problem,
      json: { code: 'ROUTE_NOT_FOUND' },
      excludes: [FORWARDED_MARK],
    },
  },
  {
    name: 'a publish without a key answers 401 with WWW-Authenticate',
    request: { method: 'POST', path: '/publish/', headers: json, body: '{"items":[]}' },
    expect: {
      status: 401,
      headers: { ...problem, 'www-authenticate': 'Bearer realm="gripgate"' },
      json: { code: 'UNAUTHORIZED', status: 401 },
    },
  },
  {
    name: 'a publish with a wrong key answers 401',
    request: {
      method: 'POST',
      path: '/publish/',
      headers: { ...json, authorization: 'Bearer not-the-key' },
      body: '{"items":[]}',
    },
    expect: { status: 401, headers: problem, json: { code: 'UNAUTHORIZED' } },
  },
  {
    name: 'the publish path without its trailing slash is the publish endpoint too',
    request: { method: 'POST', path: '/publish', headers: json, body: '{"items":[]}' },
    expect: { status: 401, headers: problem, json: { code: 'UNAUTHORIZED' } },
  },
  {
    name: 'a publish with GET answers 405 with Allow: POST',
    request: { path: '/publish/', headers: auth },
    expect: {
      status: 405,
      headers: { ...problem, allow: 'POST' },
      json: { code: 'METHOD_NOT_ALLOWED' },
    },
  },
  {
    name: 'a publish whose body is not JSON answers 400 problem JSON',
    request: {
      method: 'POST',
      path: '/publish/',
      headers: { ...auth, ...json },
      body: '{"items": [',
    },
    expect: { status: 400, headers: problem, json: { code: 'BAD_REQUEST', status: 400 } },
  },
  {
    name: 'a publish of one item answers 200 JSON naming the purged keys',
    request: {
      method: 'POST',
      path: '/publish/',
      headers: { ...auth, ...json, accept: 'application/json' },
      body: JSON.stringify({
        items: [{ channel: 'bb-nobody', formats: { 'http-stream': { content: 'x' } } }],
      }),
    },
    expect: {
      status: 200,
      json: {
        message: 'Published',
        items: 1,
        released: 1,
        held: 0,
        duplicates: 0,
        purged: 0,
        purgedKeys: ['bb-nobody'],
      },
    },
    differs: {
      fastly: {
        expect: {
          json: { released: null, held: null, duplicates: null, purged: null },
        },
        note: "capability: Fanout's publish API does not say what an item reached, and Fastly's purge hostcall does not count objects; the answer has the same fields, null where unknown (src/publish/answer.ts)",
      },
    },
  },
  {
    name: 'a purge with GET answers 405 with Allow: POST',
    request: { path: '/_gripgate/purge', headers: auth },
    expect: {
      status: 405,
      headers: { ...problem, allow: 'POST' },
      json: { code: 'METHOD_NOT_ALLOWED' },
    },
  },
  {
    name: 'a purge whose body is not JSON-typed answers 415',
    request: {
      method: 'POST',
      path: '/_gripgate/purge',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: '{"keys":["bb-k"]}',
    },
    expect: { status: 415, headers: problem, json: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
  },
  {
    name: 'a purge sent as `curl -d` sends it (form content type) is read as JSON, as /publish/ is',
    request: {
      method: 'POST',
      path: '/_gripgate/purge',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"keys":["bb-form"]}',
    },
    expect: { status: 200, json: { keys: ['bb-form'], soft: false } },
  },
  {
    name: 'a purge with a wrong publish key answers 401 saying the key is not accepted',
    request: {
      method: 'POST',
      path: '/_gripgate/purge',
      headers: { ...json, authorization: 'Bearer not-the-key' },
      body: '{"keys":["bb-k"]}',
    },
    expect: {
      status: 401,
      headers: { ...problem, 'www-authenticate': 'Bearer realm="gripgate"' },
      json: {
        code: 'UNAUTHORIZED',
        detail:
          'the publish key is not accepted: a key of publish.keys, or a JWT signed HS256 with one and not expired',
      },
    },
  },
  {
    name: 'a purge without keys answers 400 problem JSON',
    request: {
      method: 'POST',
      path: '/_gripgate/purge',
      headers: { ...auth, ...json },
      body: '{}',
    },
    expect: { status: 400, headers: problem, json: { code: 'BAD_REQUEST' } },
  },
  {
    name: 'a purge without the publish key answers 401',
    request: {
      method: 'POST',
      path: '/_gripgate/purge',
      headers: json,
      body: '{"keys":["bb-k"]}',
    },
    expect: {
      status: 401,
      headers: { ...problem, 'www-authenticate': 'Bearer realm="gripgate"' },
      json: {
        code: 'UNAUTHORIZED',
        detail: 'a publish key is required: Authorization: Bearer <key or JWT>',
      },
    },
  },
  {
    name: 'a purge by key answers 200 JSON with the keys',
    request: {
      method: 'POST',
      path: '/_gripgate/purge',
      headers: { ...auth, ...json },
      body: '{"keys":["bb-k"]}',
    },
    expect: { status: 200, json: { purged: 0, keys: ['bb-k'], soft: false } },
    differs: {
      fastly: {
        expect: { json: { purged: null } },
        note: "capability: Fastly's purge hostcall does not count the objects a key covered, so `purged` is null (src/purge/route.ts)",
      },
    },
  },
  {
    name: 'two hosts joined into one Host field answer 400',
    request: { path: '/bb/plain', headers: { host: 'gw.test, evil.example' } },
    expect: { status: 400, headers: problem, json: { code: 'BAD_REQUEST' } },
  },
  {
    name: 'a plain GET is proxied with the origin status, headers and body',
    request: { path: '/bb/plain' },
    expect: {
      status: 203,
      headers: { 'content-type': 'text/plain', 'x-origin': 'black-box' },
      text: PLAIN_TEXT,
    },
  },
  {
    name: 'hop-by-hop fields stay behind; X-Forwarded-For is set; a client Forwarded is dropped',
    request: {
      path: '/bb/echo',
      headers: {
        connection: 'x-hop',
        'x-hop': 'must not pass',
        'keep-alive': 'timeout=5',
        forwarded: 'for=6.6.6.6;host=evil.example',
        'x-forwarded-for': '6.6.6.6',
        'x-end-to-end': 'kept',
      },
    },
    expect: {
      status: 200,
      json: {
        method: 'GET',
        headers: {
          'x-end-to-end': 'kept',
          host: 'gw.test',
          via: '1.1 gripgate',
          'grip-feature': 'status, link:next',
          'x-forwarded-for': '{client}',
          'x-forwarded-host': 'gw.test',
          'x-forwarded-proto': '{proto}',
          'x-hop': ABSENT,
          'keep-alive': ABSENT,
          forwarded: ABSENT,
        },
      },
    },
    differs: {
      workers: {
        expect: { json: { headers: { host: 'origin.test' } } },
        note: "platform: workerd's fetch sends the origin URL's host as Host whatever the request says (edge/cloudflare/origin.ts; hostHeader is refused there too), while Node and Fastly pass the client's Host on",
      },
      fastly: {
        expect: { json: { headers: { 'grip-feature': ABSENT } } },
        note: 'capability: on Fastly the gateway cannot hold a request that was not handed to Fanout, so it announces no GRIP features to the origin there (GripMode "plain"); Fanout announces its own on its signed callbacks',
      },
    },
  },
  {
    name: 'a HEAD is proxied with the origin status and headers, and no body',
    request: { method: 'HEAD', path: '/bb/plain' },
    expect: { status: 203, headers: { 'x-origin': 'black-box' }, text: '' },
  },
  {
    name: 'the edge-only fields of an origin answer never reach the client',
    request: { path: '/bb/tagged' },
    expect: {
      status: 200,
      headers: { 'surrogate-key': ABSENT, 'cache-tag': ABSENT, 'surrogate-control': ABSENT },
      text: 'tagged',
    },
  },
  {
    name: 'a cacheable GET asked again is served from the cache',
    before: [{ path: '/bb/cached/{run}' }],
    request: { path: '/bb/cached/{run}' },
    expect: {
      status: 200,
      headers: { 'x-cache': 'HIT' },
      text: '/bb/cached/{run} fetch 1',
    },
    only: {
      platforms: ['node', 'workers'],
      why: "Fastly's readthrough cache lives inside its fetch: the shims have none to observe (npm run test:fastly:local covers it under Viceroy)",
    },
  },
  {
    name: 'a fresh hit is served to a client sending no-cache (request directives ignored)',
    before: [{ path: '/bb/cached/nc-{run}' }],
    request: { path: '/bb/cached/nc-{run}', headers: { 'cache-control': 'no-cache' } },
    expect: {
      status: 200,
      headers: { 'x-cache': 'HIT' },
      text: '/bb/cached/nc-{run} fetch 1',
    },
    only: {
      platforms: ['node', 'workers'],
      why: "Fastly's readthrough cache lives inside its fetch: the shims have none to observe (npm run test:fastly:local covers it under Viceroy)",
    },
  },
  {
    name: 'an unreachable origin answers 502 problem JSON naming the origin, not its URL',
    request: { path: '/bb/down/x' },
    expect: {
      status: 502,
      headers: problem,
      json: { detail: 'origin "down" could not be reached' },
      excludes: ['{unreachable}'],
    },
    only: {
      platforms: ['node', 'fastly'],
      why: "harness: Miniflare's outboundService turns any failure into a 500 answer, so workerd's fetch never fails here; test/workers/origin-hardening.test.ts proves it with an injected fetch",
    },
  },
]

/** The cases that run on `platform`. */
export function casesFor(platform: PlatformName): BlackBoxCase[] {
  return BLACK_BOX_CASES.filter((c) => !c.only || c.only.platforms.includes(platform))
}

/** The cases that do not run on `platform`, for a visible skip. */
export function casesNotFor(platform: PlatformName): BlackBoxCase[] {
  return BLACK_BOX_CASES.filter((c) => c.only && !c.only.platforms.includes(platform))
}

/** What `platform` must answer to `c`, with its recorded difference applied. */
export function expectedFor(c: BlackBoxCase, platform: PlatformName): Expected {
  const difference = c.differs?.[platform]?.expect
  if (!difference) return c.expect
  const merged: Expected = { ...c.expect, ...difference }
  if (c.expect.json && difference.json) merged.json = mergeJson(c.expect.json, difference.json)
  return merged
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function mergeJson(
  base: Record<string, unknown>,
  over: Record<string, unknown>
): Record<string, unknown> {
  const out = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const under = out[key]
    out[key] = isObject(under) && isObject(value) ? mergeJson(under, value) : value
  }
  return out
}

/** Fills the `{name}` placeholders of a string. */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole)
}

/** The case's request with its placeholders filled. */
export function filledRequest(request: CaseRequest, vars: Record<string, string>): CaseRequest {
  return { ...request, path: fill(request.path, vars) }
}

function compareJson(
  expected: unknown,
  actual: unknown,
  at: string,
  out: string[],
  vars: Record<string, string>
) {
  if (expected === ABSENT) {
    if (actual !== undefined) out.push(`${at}: expected absent, got ${JSON.stringify(actual)}`)
    return
  }
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push(`${at}: expected an object, got ${JSON.stringify(actual)}`)
      return
    }
    for (const [key, value] of Object.entries(expected)) {
      compareJson(value, (actual as Record<string, unknown>)[key], `${at}.${key}`, out, vars)
    }
    return
  }
  const want = typeof expected === 'string' ? fill(expected, vars) : expected
  if (JSON.stringify(want) !== JSON.stringify(actual)) {
    out.push(`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(actual)}`)
  }
}

/**
 * Compares an answer with what `platform` must answer to `c` and returns every mismatch at
 * once (js-compute-runtime's compare-downstream-response.js), not just the first.
 */
export function compareAnswer(
  c: BlackBoxCase,
  platform: PlatformName,
  answer: { status: number; headers: Headers; body: string },
  vars: Record<string, string>
): string[] {
  const expected = expectedFor(c, platform)
  const out: string[] = []
  if (answer.status !== expected.status)
    out.push(`status: expected ${expected.status}, got ${answer.status}`)
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const actual = answer.headers.get(name)
    if (value === ABSENT) {
      if (actual !== null)
        out.push(`header ${name}: expected absent, got ${JSON.stringify(actual)}`)
    } else if (actual !== fill(value, vars)) {
      out.push(
        `header ${name}: expected ${JSON.stringify(fill(value, vars))}, got ${JSON.stringify(actual)}`
      )
    }
  }
  if (expected.text !== undefined && answer.body !== fill(expected.text, vars)) {
    out.push(
      `body: expected ${JSON.stringify(fill(expected.text, vars))}, got ${JSON.stringify(answer.body.slice(0, 200))}`
    )
  }
  if (expected.json !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(answer.body)
    } catch {
      out.push(`body: expected JSON, got ${JSON.stringify(answer.body.slice(0, 200))}`)
    }
    if (parsed !== undefined) compareJson(expected.json, parsed, 'json', out, vars)
  }
  for (const text of expected.excludes ?? []) {
    const banned = fill(text, vars)
    if (answer.body.includes(banned)) out.push(`body: must not contain ${JSON.stringify(banned)}`)
  }
  return out
}

/** A client's view of one answer. */
export interface CaseAnswer {
  status: number
  headers: Headers
  body: string
}

/**
 * Runs every case for `platform` through `send`, one test each; the cases that cannot run
 * there are listed as skipped with their reason. Each runner supplies only `send` and `vars`.
 */
export function describeBlackBox(
  title: string,
  platform: PlatformName,
  send: (request: CaseRequest) => Promise<CaseAnswer>,
  vars: Record<string, string>
): void {
  describe(title, () => {
    for (const c of casesFor(platform)) {
      it(c.name, async () => {
        for (const before of c.before ?? []) await send(filledRequest(before, vars))
        const answer = await send(filledRequest(c.request, vars))
        expect(compareAnswer(c, platform, answer, vars)).toEqual([])
      })
    }
    for (const c of casesNotFor(platform)) it.skip(`${c.name} (${c.only?.why})`, () => {})
  })
}
