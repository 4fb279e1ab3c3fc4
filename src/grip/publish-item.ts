/**
 * The publish body `{ "items": [...] }` (GRIP.md §8.1, §8.2), after Pushpin's
 * `PublishItem::fromVariant`. Base64 fields are decoded here, once per publish, so
 * delivery to many subscribers reuses the same bytes.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { has, isJsonObject, type JsonObject } from './json-fields.ts'
import { parsePublishFormat } from './publish-format.ts'
import { FORMAT_NAMES, type PublishFormats, type PublishProblem } from './publish-types.ts'

export type {
  FormatName,
  HttpResponseFormat,
  HttpStreamFormat,
  PublishFormats,
  PublishProblem,
  WsMessageFormat,
  WsMessageType,
} from './publish-types.ts'

/** One validated publish item. */
export interface PublishItem {
  channel: string
  /** Used for ordering, de-duplication and prev-id checks (GRIP.md §9). */
  id?: string
  /** The id of the item before this one on the channel. */
  prevId?: string
  /** Pushpin-only: skip the re-ordering buffer (GRIP.md §9.2). */
  noSeq: boolean
  /** Pushpin-only metadata for subscriber filters. */
  meta?: Record<string, string>
  /** May be empty when every given format carried an action its subscribers ignore. */
  formats: PublishFormats
  /** gripgate extension: surrogate keys to purge before the item is delivered. */
  purge?: string[]
  /** gripgate extension: `soft` marks purged objects stale instead of removing them. */
  purgeMode?: PurgeMode
}

const MAX_PURGE_KEY_LENGTH = 1024
const ITEM = 'publish item object'

const problem = (field: string, message: string) => err({ field, message })

function readString(
  item: JsonObject,
  key: string,
  path: string
): Result<string | undefined, PublishProblem> {
  if (!has(item, key)) return ok(undefined)
  const value = item[key]
  if (typeof value !== 'string')
    return problem(`${path}.${key}`, `${ITEM} contains '${key}' with wrong type`)
  return ok(value)
}

function readMeta(
  item: JsonObject,
  path: string
): Result<Record<string, string> | undefined, PublishProblem> {
  if (!has(item, 'meta')) return ok(undefined)
  const { meta } = item
  if (!isJsonObject(meta)) return problem(`${path}.meta`, `${ITEM} contains 'meta' with wrong type`)
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value !== 'string')
      return problem(`${path}.meta`, `'meta' contains '${key}' with wrong type`)
  }
  return ok(meta as Record<string, string>)
}

// Same key rules as the purge endpoint: non-empty, no whitespace, bounded length.
const isPurgeKey = (key: unknown): key is string =>
  typeof key === 'string' && key.length > 0 && key.length <= MAX_PURGE_KEY_LENGTH && !/\s/.test(key)

function readPurge(item: JsonObject, path: string): Result<string[] | undefined, PublishProblem> {
  if (!has(item, 'purge')) return ok(undefined)
  const { purge } = item
  if (!Array.isArray(purge))
    return problem(`${path}.purge`, `${ITEM} contains 'purge' with wrong type`)
  for (const [index, key] of purge.entries()) {
    if (!isPurgeKey(key))
      return problem(`${path}.purge[${index}]`, `${ITEM} contains 'purge' with invalid value`)
  }
  return ok([...new Set(purge as string[])])
}

/** How a publish purges: remove (`hard`) or mark stale (`soft`). */
export type PurgeMode = 'hard' | 'soft'

function readPurgeMode(
  object: JsonObject,
  path: string
): Result<PurgeMode | undefined, PublishProblem> {
  if (!has(object, 'purge-mode')) return ok(undefined)
  const mode = object['purge-mode']
  if (mode !== 'hard' && mode !== 'soft') {
    const where = path === '' ? 'purge-mode' : `${path}.purge-mode`
    return problem(where, `'purge-mode' must be "hard" or "soft"`)
  }
  return ok(mode)
}

/** Reads `formats`, or the legacy form with the formats at the item's top level (item 69). */
function readFormats(item: JsonObject, path: string): Result<PublishFormats, PublishProblem> {
  let source: JsonObject
  let base: string
  if (has(item, 'formats')) {
    if (!isJsonObject(item.formats))
      return problem(`${path}.formats`, `${ITEM} contains 'formats' with wrong type`)
    source = item.formats
    base = `${path}.formats`
  } else {
    source = Object.fromEntries(
      FORMAT_NAMES.filter((name) => has(item, name)).map((name) => [name, item[name]])
    )
    base = path
  }
  // Pushpin refuses only an empty object; unknown format names are ignored.
  if (Object.keys(source).length === 0) return problem(`${path}.formats`, 'no formats specified')
  const formats: PublishFormats = {}
  for (const name of FORMAT_NAMES) {
    if (!has(source, name)) continue
    const parsed = parsePublishFormat(name, source[name], `${base}.${name}`)
    if (!parsed.ok) return parsed
    // The name and its parsed type always match; TypeScript cannot see that through the loop.
    if (parsed.value) Object.assign(formats, { [name]: parsed.value })
  }
  return ok(formats)
}

function parseItem(
  value: unknown,
  path: string,
  defaultPurgeMode: PurgeMode | undefined
): Result<PublishItem, PublishProblem> {
  if (!isJsonObject(value)) return problem(path, `${ITEM} is not an object`)
  if (!has(value, 'channel'))
    return problem(`${path}.channel`, `${ITEM} does not contain 'channel'`)
  const { channel } = value
  if (typeof channel !== 'string')
    return problem(`${path}.channel`, `${ITEM} contains 'channel' with wrong type`)
  if (channel === '')
    return problem(`${path}.channel`, `${ITEM} contains 'channel' with invalid value`)
  const id = readString(value, 'id', path)
  if (!id.ok) return id
  const prevId = readString(value, 'prev-id', path)
  if (!prevId.ok) return prevId
  const formats = readFormats(value, path)
  if (!formats.ok) return formats
  const meta = readMeta(value, path)
  if (!meta.ok) return meta
  const noSeq = has(value, 'no-seq') ? value['no-seq'] : false
  if (typeof noSeq !== 'boolean')
    return problem(`${path}.no-seq`, `${ITEM} contains 'no-seq' with wrong type`)
  const purge = readPurge(value, path)
  if (!purge.ok) return purge
  const purgeMode = readPurgeMode(value, path)
  if (!purgeMode.ok) return purgeMode

  const item: PublishItem = { channel, noSeq, formats: formats.value }
  if (id.value !== undefined) item.id = id.value
  if (prevId.value !== undefined) item.prevId = prevId.value
  if (meta.value) item.meta = meta.value
  if (purge.value) item.purge = purge.value
  const mode = purgeMode.value ?? defaultPurgeMode
  if (mode) item.purgeMode = mode
  return ok(item)
}

/**
 * Validates a decoded publish body. One bad item rejects the whole batch, so nothing is
 * published (GRIP-CONFORMANCE item 67); the first problem is returned. `{"items": []}` is
 * valid (item 68). Messages use Pushpin's wording; see `publishProblemText`.
 */
export function parsePublishBody(json: unknown): Result<PublishItem[], PublishProblem> {
  if (!isJsonObject(json)) return problem('$', 'body is not an object')
  if (!has(json, 'items')) return problem('items', "object does not contain 'items'")
  if (!Array.isArray(json.items)) return problem('items', "object contains 'items' with wrong type")
  // gripgate extension: a body-level "purge-mode" applies to items that do not set their own.
  const defaultMode = readPurgeMode(json, '')
  if (!defaultMode.ok) return defaultMode
  const items: PublishItem[] = []
  for (const [index, value] of json.items.entries()) {
    const item = parseItem(value, `items[${index}]`, defaultMode.value)
    if (!item.ok) return item
    items.push(item.value)
  }
  return ok(items)
}

/**
 * The text Pushpin answers a bad publish with (GRIP.md §8.1), without the newline:
 * `Invalid format.` for a body that is not an object, `Invalid format: <message>` otherwise.
 */
export function publishProblemText(problem: PublishProblem): string {
  return problem.field === '$' ? 'Invalid format.' : `Invalid format: ${problem.message}`
}
