/**
 * The JSON Schema (draft 2020-12) of `gripgate.config.json`, generated from the
 * zod schema so the two cannot drift; `npm run schema` writes it to
 * `gripgate.config.schema.json` and a unit test checks the committed copy.
 * @module
 */
import { z } from 'zod'
import { createConfigSchema } from './schema.ts'

/** The `$id` of the published schema. */
export const CONFIG_SCHEMA_ID = 'https://gripgate.dev/schemas/gripgate.config.schema.json'

/**
 * Builds the JSON Schema of the config file. Only the input side is described
 * (`io: "input"`): defaulted fields are optional, and checks a JSON Schema
 * cannot express (route origins exist, env variables are set, maxObjectBytes ≤
 * maxBytes) are left to `parseConfig`.
 */
export function createConfigJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(createConfigSchema({}), {
    target: 'draft-2020-12',
    io: 'input',
  })
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'gripgate configuration',
    description: 'Configuration of the gripgate realtime edge gateway (gripgate.config.json).',
    ...generated,
  }
}

/** The schema file's exact text: 2-space JSON with a trailing newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(createConfigJsonSchema(), null, 2)}\n`
}
