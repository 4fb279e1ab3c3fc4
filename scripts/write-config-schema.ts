/**
 * Writes gripgate.config.schema.json from the zod schema (`npm run schema`).
 * test/unit/config/json-schema.test.ts fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderConfigJsonSchema } from '../src/config/json-schema.ts'

const target = fileURLToPath(new URL('../gripgate.config.schema.json', import.meta.url))
writeFileSync(target, renderConfigJsonSchema())
console.log(`wrote ${target}`)
