import { describe, expect, it } from 'vitest'
import { inCidr, parseCidr, parseIp } from '../../../src/http/ip.ts'

const bytes = (text: string) => [...(parseIp(text) ?? [])]

describe('parseIp', () => {
  it.each<[string, number[]]>([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
    // IPv4-mapped IPv6, as a dual-stack Node socket reports IPv4 peers.
    ['::ffff:127.0.0.1', [127, 0, 0, 1]],
    ['::ffff:7f00:1', [127, 0, 0, 1]],
    ['::1', [...new Array(15).fill(0), 1]],
    ['[::1]', [...new Array(15).fill(0), 1]],
    ['fe80::1%eth0', [0xfe, 0x80, ...new Array(13).fill(0), 1]],
    ['2001:db8::8:800:200c:417a', [32, 1, 13, 184, 0, 0, 0, 0, 0, 8, 8, 0, 32, 12, 65, 122]],
    ['1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
  ])('%s', (text, want) => {
    expect(bytes(text)).toEqual(want)
  })

  it.each([
    '',
    'localhost',
    '1.2.3',
    '1.2.3.256',
    '01.2.3.4',
    '1.2.3.4.5',
    '::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    'g::1',
    '12345::1',
    '::ffff:1.2.3.999',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined()
  })
})

describe('parseCidr and inCidr', () => {
  const within = (address: string, range: string) => {
    const parsed = parseCidr(range)
    if (!parsed.ok) throw new Error(parsed.error)
    const ip = parseIp(address)
    return ip !== undefined && inCidr(ip, parsed.value)
  }

  it.each<[string, string, boolean]>([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.0.0.1', '10.0.0.0/8', false],
    ['192.168.1.77', '192.168.1.64/26', true],
    ['192.168.1.128', '192.168.1.64/26', false],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.2', '127.0.0.1', false],
    ['1.2.3.4', '0.0.0.0/0', true],
    ['::ffff:10.9.9.9', '10.0.0.0/8', true],
    ['10.9.9.9', '::ffff:10.0.0.0/104', true],
    ['::1', '::1', true],
    ['fd12:3456::1', 'fd00::/8', true],
    ['fe80::1', 'fd00::/8', false],
    // The families never match each other.
    ['::1', '0.0.0.0/0', false],
    ['127.0.0.1', '::/0', false],
  ])('%s in %s: %s', (address, range, want) => {
    expect(within(address, range)).toBe(want)
  })

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    'x/8',
    '10.0.0.0/-1',
    '10.0.0.0/a',
  ])('refuses %j', (text) => {
    expect(parseCidr(text).ok).toBe(false)
  })
})
