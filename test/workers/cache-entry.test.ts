import { describe, expect, it } from 'vitest'
import {
  decodeEntry,
  encodeEntry,
  listUrl,
  parseVariantList,
  variantUrl,
} from '../../edge/cloudflare/cache-entry.ts'
import { storedEntry } from '../contract/cache-store.contract.ts'

describe('cache entry framing', () => {
  it('round-trips every field and the body bytes', () => {
    const entry = storedEntry({ surrogateKeys: ['k'], body: new Uint8Array([0, 1, 255]) })
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry)
  })

  it('reads anything else as a miss', () => {
    expect(decodeEntry(new Uint8Array([]))).toBeUndefined()
    expect(decodeEntry(new Uint8Array([2, 0, 0, 0, 0]))).toBeUndefined()
    expect(decodeEntry(new Uint8Array([1, 0, 0, 0, 9, 1]))).toBeUndefined()
    expect(decodeEntry(new Uint8Array([1, 0, 0, 0, 1, 0x7b]))).toBeUndefined()
    expect(parseVariantList('nope')).toEqual({ variants: [] })
  })

  it('puts entries on the resource host, without its port, under the namespace', async () => {
    const list = await listUrl('ns', 'example.com:8443/a?b=1')
    const variant = await variantUrl('ns', 'example.com:8443/a?b=1', 'example.com:8443/a?b=1\n')
    expect(list).toMatch(/^https:\/\/example\.com\/_gripgate\/cache\/ns\/p\/[0-9a-f]{64}$/)
    expect(variant).toMatch(/^https:\/\/example\.com\/_gripgate\/cache\/ns\/v\/[0-9a-f]{64}$/)
    expect(await listUrl('ns', 'bad host/x')).toMatch(/^https:\/\/gripgate\.invalid\//)
  })
})
