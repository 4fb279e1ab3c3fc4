import { describe, expect, it } from 'vitest'
import {
  applyMetaUpdates,
  isMetaHeader,
  isSetMetaHeader,
  keepAliveIntervalSec,
  type MetaUpdate,
  metaRequestHeaders,
  readSetMetaHeaders,
  type WsMeta,
} from '../../../src/grip/ws-meta.ts'

describe('readSetMetaHeaders', () => {
  it.each<{ name: string; headers: [string, string][]; want: MetaUpdate[] }>([
    { name: 'none', headers: [['Content-Type', 'application/websocket-events']], want: [] },
    {
      name: 'H86 alice',
      headers: [['Set-Meta-User', 'alice']],
      want: [{ name: 'user', value: 'alice' }],
    },
    {
      name: 'empty deletes',
      headers: [['Set-Meta-User', '']],
      want: [{ name: 'user', value: undefined }],
    },
    {
      name: 'blank deletes',
      headers: [['Set-Meta-User', '  ']],
      want: [{ name: 'user', value: undefined }],
    },
    {
      name: 'several, among others',
      headers: [
        ['Set-Meta-User', 'alice'],
        ['Keep-Alive-Interval', '30'],
        ['SET-META-Room', '7'],
        ['Meta-Ignored', 'x'],
      ],
      want: [
        { name: 'room', value: '7' },
        { name: 'user', value: 'alice' },
      ],
    },
    { name: 'no name', headers: [['Set-Meta-', 'x']], want: [] },
    {
      name: 'byte string value',
      headers: [['Set-Meta-Name', 'caf\u00c3\u00a9']],
      want: [{ name: 'name', value: 'caf\u00c3\u00a9' }],
    },
  ])('$name', ({ headers, want }) => {
    expect(readSetMetaHeaders(new Headers(headers))).toStrictEqual(want)
  })
})

describe('applyMetaUpdates', () => {
  it.each<{ name: string; meta: WsMeta; updates: MetaUpdate[]; want: WsMeta }>([
    { name: 'set', meta: {}, updates: [{ name: 'user', value: 'alice' }], want: { user: 'alice' } },
    // H86: alice, then bob.
    {
      name: 'replace',
      meta: { user: 'alice' },
      updates: [{ name: 'user', value: 'bob' }],
      want: { user: 'bob' },
    },
    {
      name: 'delete',
      meta: { user: 'alice' },
      updates: [{ name: 'user', value: undefined }],
      want: {},
    },
    {
      name: 'empty deletes',
      meta: { user: 'alice' },
      updates: [{ name: 'user', value: '' }],
      want: {},
    },
    {
      name: 'delete missing',
      meta: { a: '1' },
      updates: [{ name: 'b', value: undefined }],
      want: { a: '1' },
    },
    {
      name: 'case-insensitive',
      meta: { user: 'alice' },
      updates: [{ name: 'User', value: 'bob' }],
      want: { user: 'bob' },
    },
    {
      name: 'in order',
      meta: {},
      updates: [
        { name: 'a', value: '1' },
        { name: 'a', value: undefined },
        { name: 'b', value: '2' },
      ],
      want: { b: '2' },
    },
    { name: 'no updates', meta: { a: '1' }, updates: [], want: { a: '1' } },
  ])('$name', ({ meta, updates, want }) => {
    expect(applyMetaUpdates(meta, updates)).toStrictEqual(want)
  })

  it('moves a changed entry to the end, as Pushpin does', () => {
    const meta = applyMetaUpdates({ a: '1', b: '2' }, [{ name: 'a', value: '3' }])
    expect(Object.entries(meta)).toStrictEqual([
      ['b', '2'],
      ['a', '3'],
    ])
  })

  it('leaves the input unchanged', () => {
    const meta = { user: 'alice' }
    applyMetaUpdates(meta, [{ name: 'user', value: 'bob' }])
    expect(meta).toStrictEqual({ user: 'alice' })
  })

  it('keeps __proto__ as plain data', () => {
    const meta = applyMetaUpdates({}, [{ name: '__proto__', value: 'x' }])
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype)
    expect(Object.entries(meta)).toStrictEqual([['__proto__', 'x']])
    expect(metaRequestHeaders(meta)).toStrictEqual([['meta-__proto__', 'x']])
  })
})

describe('metaRequestHeaders', () => {
  it.each<{ name: string; meta: WsMeta; want: [string, string][] }>([
    { name: 'none', meta: {}, want: [] },
    { name: 'one', meta: { user: 'alice' }, want: [['meta-user', 'alice']] },
    {
      name: 'two',
      meta: { user: 'alice', room: '7' },
      want: [
        ['meta-user', 'alice'],
        ['meta-room', '7'],
      ],
    },
  ])('$name', ({ meta, want }) => {
    expect(metaRequestHeaders(meta)).toStrictEqual(want)
  })

  it('round-trips Set-Meta-User to Meta-User (H86)', () => {
    const updates = readSetMetaHeaders(new Headers({ 'Set-Meta-User': 'alice' }))
    const headers = new Headers(metaRequestHeaders(applyMetaUpdates({}, updates)))
    expect(headers.get('Meta-User')).toBe('alice')
    expect([...headers.keys()]).toStrictEqual(['meta-user'])
  })
})

describe('isSetMetaHeader and isMetaHeader', () => {
  it.each([
    { name: 'Set-Meta-User', setMeta: true, meta: false },
    { name: 'set-meta-user', setMeta: true, meta: false },
    { name: 'Meta-User', setMeta: false, meta: true },
    { name: 'META-user', setMeta: false, meta: true },
    { name: 'Metadata', setMeta: false, meta: false },
    { name: 'X-Meta-User', setMeta: false, meta: false },
  ])('$name', ({ name, setMeta, meta }) => {
    expect([isSetMetaHeader(name), isMetaHeader(name)]).toStrictEqual([setMeta, meta])
  })
})

describe('keepAliveIntervalSec', () => {
  it.each<{ value: string | null; want: number | undefined }>([
    { value: null, want: undefined },
    // H87: 5 is raised to the minimum of 20.
    { value: '5', want: 20 },
    { value: '1', want: 20 },
    { value: '19', want: 20 },
    { value: '20', want: 20 },
    { value: '21', want: 21 },
    { value: '30', want: 30 },
    { value: '007', want: 20 },
    { value: '+30', want: 30 },
    { value: ' 30\t', want: 30 },
    { value: '86400', want: 86400 },
    { value: '86401', want: 86400 },
    { value: '2147483647', want: 86400 },
    { value: '2147483648', want: undefined },
    { value: '0', want: undefined },
    { value: '-5', want: undefined },
    { value: '', want: undefined },
    { value: 'abc', want: undefined },
    { value: '1.5', want: undefined },
    { value: '0x10', want: undefined },
    { value: '30s', want: undefined },
    { value: '3 0', want: undefined },
    { value: '30\u00a0', want: undefined },
  ])('$value', ({ value, want }) => {
    expect(keepAliveIntervalSec(value)).toBe(want)
  })
})
