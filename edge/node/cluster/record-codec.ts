/**
 * The records of the cluster log (bus.ts), as JSON. Publish items carry `Uint8Array`
 * bodies (decoded from base64 once per publish), so bytes travel as `{ "$b64": … }`. The
 * Redis history (redis-history-store.ts) keeps single items in the same form.
 * @module
 */
import type { PublishItem } from '../../../src/grip/publish-item.ts'

/** A purge every node applies to its own cache, then acknowledges. */
export interface PurgeRecord {
  kind: 'purge'
  keys: string[]
  soft: boolean
}

/** Items every node hands to its own hub, in log order. */
export interface PublishRecord {
  kind: 'publish'
  items: PublishItem[]
}

export type ClusterRecord = PurgeRecord | PublishRecord

const withBytes = (_key: string, value: unknown): unknown =>
  value instanceof Uint8Array ? { $b64: Buffer.from(value).toString('base64') } : value

const toBytes = (_key: string, field: unknown): unknown => {
  if (field && typeof field === 'object' && '$b64' in field) {
    const b64 = (field as { $b64: unknown }).$b64
    if (typeof b64 === 'string') return new Uint8Array(Buffer.from(b64, 'base64'))
  }
  return field
}

/** Parses JSON written by `withBytes`; undefined when it is not JSON. */
function parseWithBytes(data: string): unknown {
  try {
    return JSON.parse(data, toBytes)
  } catch {
    return undefined
  }
}

/** Serialises a record for the log. */
export function encodeRecord(record: ClusterRecord): string {
  return JSON.stringify(record, withBytes)
}

/** Parses a record from the log; undefined for anything this version does not know. */
export function decodeRecord(data: string): ClusterRecord | undefined {
  const value = parseWithBytes(data)
  if (!value || typeof value !== 'object') return undefined
  const record = value as Partial<ClusterRecord>
  if (record.kind === 'purge' && Array.isArray(record.keys)) return record as PurgeRecord
  if (record.kind === 'publish' && Array.isArray(record.items)) return record as PublishRecord
  return undefined
}

/** Serialises one item, every format and byte included (as in a publish record). */
export function encodeItem(item: PublishItem): string {
  return JSON.stringify(item, withBytes)
}

/** Parses an item written by `encodeItem`; undefined for anything else. */
export function decodeItem(data: string): PublishItem | undefined {
  const value = parseWithBytes(data)
  if (!value || typeof value !== 'object') return undefined
  const item = value as Partial<PublishItem>
  if (typeof item.channel !== 'string' || !item.formats || typeof item.formats !== 'object')
    return undefined
  return item as PublishItem
}
