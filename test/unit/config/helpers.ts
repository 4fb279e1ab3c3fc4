/** Shared builders for the config tests: one valid base config, varied one section at a time. */
import { readFileSync } from 'node:fs'
import { parseConfig } from '../../../src/config/parse.ts'
import type { ConfigEnv } from '../../../src/config/schema.ts'
import type { ConfigProblem } from '../../../src/config/types.ts'

export const URL_APP = 'http://127.0.0.1:9000'

/** The smallest valid config; tests spread it and replace one section. */
export const base = {
  origins: { app: { url: URL_APP } },
  routes: [{ path: '/*', origin: 'app' }],
} as const

/** The base config with extra fields on its one origin. */
export const withOrigin = (fields: Record<string, unknown>) => ({
  ...base,
  origins: { app: { url: URL_APP, ...fields } },
})

/** The base config with extra fields on its one route. */
export const withRoute = (fields: Record<string, unknown>) => ({
  ...base,
  routes: [{ path: '/*', origin: 'app', ...fields }],
})

/** Reads a file of fixtures/configs as text. */
export const fixtureText = (name: string) =>
  readFileSync(new URL(`../../../fixtures/configs/${name}`, import.meta.url), 'utf8')

/** Reads and parses a JSON file of fixtures/configs. */
export const fixture = (name: string): unknown => JSON.parse(fixtureText(name))

/** The problems of an invalid config as `[path, message]` pairs; fails the test if it parses. */
export function problemsOf(raw: unknown, env: ConfigEnv = {}): [string, string][] {
  const result = parseConfig(raw, env)
  if (result.ok)
    throw new Error(`expected problems, but it parsed: ${JSON.stringify(result.value)}`)
  return result.error.map((p: ConfigProblem) => [p.path, p.message])
}
