import { describe, expect, it } from 'vitest'
import { compareIds } from '../../../../edge/node/cluster/bus.ts'
import { decodeRecord, encodeRecord } from '../../../../edge/node/cluster/record-codec.ts'
import { parseWorkers } from '../../../../edge/node/cluster/workers.ts'

describe('cluster records', () => {
  it('round-trips a publish with byte bodies', () => {
    const record = {
      kind: 'publish' as const,
      items: [
        {
          channel: 'c',
          id: '2',
          prevId: '1',
          noSeq: false,
          formats: {
            'ws-message': {
              action: 'send' as const,
              type: 'binary' as const,
              content: new Uint8Array([0, 255, 7]),
            },
          },
        },
      ],
    }
    expect(decodeRecord(encodeRecord(record))).toEqual(record)
  })

  it('round-trips a purge and refuses what it does not know', () => {
    const purge = { kind: 'purge' as const, keys: ['a', 'b'], soft: true }
    expect(decodeRecord(encodeRecord(purge))).toEqual(purge)
    for (const bad of ['', 'null', '{"kind":"other"}', '{"kind":"purge"}', '[1]']) {
      expect(decodeRecord(bad)).toBeUndefined()
    }
  })
})

describe('compareIds', () => {
  it.each([
    ['0-0', '0-1', -1],
    ['1-5', '1-5', 0],
    ['10-0', '9-99', 1],
    ['1700000000000-1', '1700000000000-10', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareIds(a, b))).toBe(sign)
  })
})

describe('parseWorkers', () => {
  it('takes a count, auto, or nothing (1)', () => {
    expect(parseWorkers(undefined)).toBe(1)
    expect(parseWorkers('3')).toBe(3)
    expect(parseWorkers('auto')).toBeGreaterThanOrEqual(1)
  })
  it.each(['0', '-1', '1.5', 'two', '1000'])('refuses %s', (value) => {
    expect(() => parseWorkers(value)).toThrow(/--workers/)
  })
})
