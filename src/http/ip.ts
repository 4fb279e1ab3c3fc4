/**
 * IP addresses and CIDR ranges, for deciding whether a peer is a trusted proxy: IPv4 dotted
 * quads, IPv6 (RFC 4291 §2.2, with `::` and an embedded IPv4 tail) and IPv4-mapped IPv6
 * addresses (`::ffff:127.0.0.1`, what a dual-stack Node socket reports), which match the IPv4
 * ranges they map.
 * @module
 */
import { err, ok, type Result } from '../result.ts'

/** An address as 4 (IPv4) or 16 (IPv6) bytes. */
export type IpBytes = Uint8Array

/** A range: the network's bytes and how many leading bits must match. */
export interface Cidr {
  bytes: IpBytes
  prefix: number
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

function parseIpv4(text: string): IpBytes | undefined {
  const match = IPV4.exec(text)
  if (!match) return undefined
  const parts = match.slice(1).map(Number)
  // Leading zeros are refused: some parsers read them as octal (CVE-2021-29418).
  if (parts.some((n, i) => n > 255 || (match[i + 1]!.length > 1 && match[i + 1]!.startsWith('0'))))
    return undefined
  return Uint8Array.from(parts)
}

function parseIpv6(text: string): IpBytes | undefined {
  // A zone (`fe80::1%eth0`) names an interface, not part of the address.
  const address = text.replace(/%[\w.-]+$/, '')
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const groups = (half: string): number[] | undefined => {
    if (half === '') return []
    const out: number[] = []
    const parts = half.split(':')
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part)
        if (!v4) return undefined
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(Number.parseInt(part, 16))
      else return undefined
    }
    return out
  }
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  if (!head || !tail) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  for (const [i, group] of all.entries()) {
    bytes[2 * i] = group >> 8
    bytes[2 * i + 1] = group & 0xff
  }
  return bytes
}

/** `::ffff:a.b.c.d` as the IPv4 address it maps; anything else unchanged. */
function unmapped(bytes: IpBytes): IpBytes {
  if (bytes.length !== 16) return bytes
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return bytes
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return bytes
  return bytes.slice(12)
}

/** Parses an IPv4 or IPv6 address (brackets allowed); IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): IpBytes | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const bytes = bare.includes(':') ? parseIpv6(bare) : parseIpv4(bare)
  return bytes && unmapped(bytes)
}

/** Parses `address` or `address/prefix` (a lone address is a range of one). */
export function parseCidr(text: string): Result<Cidr, string> {
  const [address = '', prefixText, extra] = text.split('/')
  const bytes = parseIp(address)
  if (!bytes || extra !== undefined) return err('expected an IP address or CIDR range')
  const bits = bytes.length * 8
  if (prefixText === undefined) return ok({ bytes, prefix: bits })
  // A mapped range (`::ffff:10.0.0.0/104`) counts its prefix over the IPv4 part.
  const mappedOffset = address.includes(':') && bytes.length === 4 ? 96 : 0
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) - mappedOffset : Number.NaN
  if (!(prefix >= 0 && prefix <= bits)) return err(`the prefix must be 0 to ${bits + mappedOffset}`)
  return ok({ bytes, prefix })
}

/** Whether `address` lies in `range`; addresses of the other family never do. */
export function inCidr(address: IpBytes, range: Cidr): boolean {
  if (address.length !== range.bytes.length) return false
  let bits = range.prefix
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if ((address[i]! & mask) !== (range.bytes[i]! & mask)) return false
  }
  return true
}
