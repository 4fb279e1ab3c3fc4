/**
 * The black-box cases of `npm run test:fastly:local`, run against a gripgate Fastly build
 * at `base` (Viceroy + Pushpin locally, or a deployed service): the declarative cases of
 * fixtures/fastly/cases.json, then the realtime scenarios below. Every mismatch of a case is
 * collected before it fails (js-compute-runtime's compare-downstream-response habit).
 */
import { readFileSync } from 'node:fs'

interface Case {
  name: string
  request: { method?: string; path: string; headers?: Record<string, string>; body?: string }
  expect: {
    status: number
    headers?: Record<string, string>
    absentHeaders?: string[]
    bodyIncludes?: string
  }
}

/** One case's outcome. */
export interface Outcome {
  name: string
  problems: string[]
}

type Scenario = (base: string, key: string) => Promise<string[]>

const withKey = (value: string, key: string) => value.replaceAll('KEY', key)

async function runCase(base: string, key: string, c: Case): Promise<string[]> {
  const headers = Object.fromEntries(
    Object.entries(c.request.headers ?? {}).map(([name, value]) => [name, withKey(value, key)])
  )
  const response = await fetch(`${base}${c.request.path}`, {
    method: c.request.method ?? 'GET',
    headers,
    ...(c.request.body ? { body: c.request.body } : {}),
  })
  const body = await response.text()
  const problems: string[] = []
  if (response.status !== c.expect.status)
    problems.push(`status ${response.status}, want ${c.expect.status}`)
  for (const [name, want] of Object.entries(c.expect.headers ?? {})) {
    const got = response.headers.get(name)
    if (!got?.startsWith(want)) problems.push(`${name}: ${got}, want ${want}`)
  }
  for (const name of c.expect.absentHeaders ?? []) {
    if (response.headers.has(name)) problems.push(`${name} present, want absent`)
  }
  if (c.expect.bodyIncludes && !body.includes(c.expect.bodyIncludes))
    problems.push(`body ${JSON.stringify(body.slice(0, 200))} lacks ${c.expect.bodyIncludes}`)
  return problems
}

function publish(base: string, key: string, items: unknown[]): Promise<Response> {
  return fetch(`${base}/publish/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  })
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Reads a stream until `text` shows up or `ms` pass. */
async function readUntil(response: Response, text: string, ms: number): Promise<string> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let seen = ''
  const deadline = Date.now() + ms
  while (!seen.includes(text) && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), pause(deadline - Date.now()).then(() => null)])
    if (!next || next.done) break
    seen += decoder.decode(next.value, { stream: true })
  }
  await reader.cancel().catch(() => {})
  return seen
}

const SCENARIOS: Record<string, Scenario> = {
  'a long-poll on a realtime route is held by Fanout and answered by a publish': async (
    base,
    key
  ) => {
    const held = fetch(`${base}/news/poll`)
    await pause(1500)
    const published = await publish(base, key, [
      { channel: 'news', formats: { 'http-response': { body: 'hello-poll\n' } } },
    ])
    const answer = await held
    const body = await answer.text()
    return [
      ...(published.status === 200 ? [] : [`publish answered ${published.status}`]),
      ...(body.includes('hello-poll')
        ? []
        : [`poll answered ${answer.status} ${JSON.stringify(body)}`]),
    ]
  },
  'an SSE request is handed off and receives a publish': async (base, key) => {
    const stream = await fetch(`${base}/news/stream`, { headers: { accept: 'text/event-stream' } })
    const first = readUntil(stream, 'hello-sse', 10_000)
    await pause(1500)
    await publish(base, key, [
      { channel: 'news', formats: { 'http-stream': { content: 'data: hello-sse\n\n' } } },
    ])
    const seen = await first
    return seen.includes('waiting for news') && seen.includes('hello-sse')
      ? []
      : [`stream ${stream.status} gave ${JSON.stringify(seen.slice(0, 200))}`]
  },
  'a publish purges what it changes before it is delivered': async (base, key) => {
    const read = async () =>
      ((await (await fetch(`${base}/items/1`)).json()) as { version: number }).version
    const before = await read()
    await read() // now cached
    await fetch(`${base}/items/1`, { method: 'PUT', body: '{"price":1}' })
    const published = await publish(base, key, [
      { channel: 'item-1', formats: { 'http-stream': { content: 'data: changed\n\n' } } },
    ])
    const after = await read()
    return after > before ? [] : [`publish ${published.status}; version ${before} → ${after}`]
  },
}

/** Runs every case and scenario; never throws for a failing case. */
export async function runFastlyCases(base: string, key: string): Promise<Outcome[]> {
  const file = new URL('../fixtures/fastly/cases.json', import.meta.url)
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: Case[] }
  const outcomes: Outcome[] = []
  const attempt = async (name: string, run: () => Promise<string[]>) => {
    try {
      outcomes.push({ name, problems: await run() })
    } catch (error) {
      outcomes.push({ name, problems: [`threw ${String(error)}`] })
    }
  }
  for (const c of cases) await attempt(c.name, () => runCase(base, key, c))
  for (const [name, scenario] of Object.entries(SCENARIOS))
    await attempt(name, () => scenario(base, key))
  return outcomes
}
