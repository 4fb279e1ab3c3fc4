/**
 * Reading a publish request's body (GRIP.md §8.1) into validated items plus the JSON they
 * came from, for a fanout tier that takes the publish document itself (Fastly's publish API
 * speaks the same JSON). One bad item rejects the whole batch, as Pushpin does.
 * @module
 */
import { GatewayError } from '../errors.ts'
import { isJsonObject, type JsonObject } from '../grip/json-fields.ts'
import { type PublishItem, parsePublishBody, publishProblemText } from '../grip/publish-item.ts'
import { readTextLimited } from '../http/body.ts'

/** Pushpin's `push_in_http_max_body_size`, as the Node publish route uses. */
export const PUBLISH_BODY_LIMIT = 1_000_000

/** A parsed publish body: `items[i]` was parsed from `raw[i]`. */
export interface PublishBody {
  items: PublishItem[]
  raw: JsonObject[]
}

/** Reads, parses and validates a publish body; 400 (or 413) naming the bad field. */
export async function readPublishBody(request: Request): Promise<PublishBody> {
  const text = await readTextLimited(request, PUBLISH_BODY_LIMIT)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new GatewayError('BAD_REQUEST', 400, 'Body is not valid JSON.', {
      extras: { field: '$' },
    })
  }
  const parsed = parsePublishBody(json)
  if (!parsed.ok) {
    throw new GatewayError('BAD_REQUEST', 400, publishProblemText(parsed.error), {
      extras: { field: parsed.error.field },
    })
  }
  // parsePublishBody accepted it, so `items` is an array of objects.
  const raw = isJsonObject(json) && Array.isArray(json.items) ? (json.items as JsonObject[]) : []
  return { items: parsed.value, raw }
}
