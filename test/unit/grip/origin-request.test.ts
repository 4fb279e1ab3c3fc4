import { decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import type { LastIds } from '../../../src/fanout.ts'
import { GRIP_FEATURES, prepareGripHeaders } from '../../../src/grip/origin-request.ts'
import { EPOCH } from '../../fakes/fake-clock.ts'

const GRIP = { key: 'changeme', iss: 'gripgate-test' }

describe('prepareGripHeaders (GRIP.md §2.1)', () => {
  it('drops every client Grip-* header and keeps the others (1)', async () => {
    const headers = new Headers({
      'Grip-Foo': 'x',
      'Grip-Sig': 'abc',
      'Grip-Last': 'c; last-id=99',
      'Grip-Feature': 'forged',
      Accept: 'text/plain',
      'X-Gripish': 'kept',
    })
    await prepareGripHeaders(headers, undefined, EPOCH)
    expect([...headers.keys()].sort()).toEqual(['accept', 'grip-feature', 'x-gripish'])
    expect(headers.get('grip-feature')).toBe(GRIP_FEATURES)
    expect(headers.get('grip-sig')).toBeNull()
    expect(headers.get('grip-last')).toBeNull()
  })

  it('adds a Grip-Sig that verifies with the key, with exp = now + 3600 and the iss (2)', async () => {
    const headers = new Headers({ 'Grip-Sig': 'forged' })
    await prepareGripHeaders(headers, GRIP, EPOCH + 500)
    const token = headers.get('grip-sig') ?? ''
    expect(token).not.toBe('forged')
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' })
    const { payload } = await jwtVerify(token, new TextEncoder().encode(GRIP.key), {
      algorithms: ['HS256'],
      currentDate: new Date(EPOCH),
    })
    expect(payload).toEqual({ iss: 'gripgate-test', exp: EPOCH / 1000 + 3600 })
    await expect(
      jwtVerify(token, new TextEncoder().encode('wrong'), { currentDate: new Date(EPOCH) })
    ).rejects.toThrow()
  })

  it('announces only the features it implements', async () => {
    const headers = new Headers()
    await prepareGripHeaders(headers, GRIP, EPOCH)
    expect(headers.get('grip-feature')).toBe('status, link:next')
  })

  it.each<{ name: string; lastIds: LastIds; want: string | null }>([
    { name: 'no ids', lastIds: {}, want: null },
    { name: 'one id', lastIds: { c: '7' }, want: 'c; last-id=7' },
    {
      name: 'one line per channel',
      lastIds: { a: '1', b: 'x-2' },
      want: 'a; last-id=1, b; last-id=x-2',
    },
    {
      name: 'ids that need quoting',
      lastIds: { a: 'two words', b: 'say "hi"', c: 'a,b;c' },
      want: 'a; last-id="two words", b; last-id="say \\"hi\\"", c; last-id="a,b;c"',
    },
  ])('writes Grip-Last lines for $name', async ({ lastIds, want }) => {
    const headers = new Headers({ 'Grip-Last': 'forged; last-id=1' })
    await prepareGripHeaders(headers, undefined, EPOCH, lastIds)
    expect(headers.get('grip-last')).toBe(want)
  })
})
