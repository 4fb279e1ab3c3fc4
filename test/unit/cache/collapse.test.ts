import { describe, expect, it } from 'vitest'
import { Collapser } from '../../../src/cache/collapse.ts'

/** Whether `promise` has settled once pending microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(() => {
    done = true
  })
  await new Promise((resolve) => setTimeout(resolve, 0))
  return done
}

describe('Collapser', () => {
  it('has nothing pending for a key nobody fetches', () => {
    const collapser = new Collapser()
    expect(collapser.pending('a')).toBeUndefined()
    expect(collapser.size).toBe(0)
  })

  it('makes a fetch pending until it is released', async () => {
    const collapser = new Collapser()
    const release = collapser.begin('a')
    const pending = collapser.pending('a')
    expect(pending).toBeInstanceOf(Promise)
    expect(collapser.size).toBe(1)
    expect(await settled(pending!)).toBe(false)
    release()
    expect(await settled(pending!)).toBe(true)
    expect(collapser.pending('a')).toBeUndefined()
    expect(collapser.size).toBe(0)
  })

  it('keeps keys apart', async () => {
    const collapser = new Collapser()
    const releaseA = collapser.begin('a')
    collapser.begin('b')
    const b = collapser.pending('b')!
    releaseA()
    expect(collapser.pending('a')).toBeUndefined()
    expect(collapser.pending('b')).toBe(b)
    expect(await settled(b)).toBe(false)
  })

  it('ignores a second release', () => {
    const collapser = new Collapser()
    const first = collapser.begin('a')
    first()
    const second = collapser.begin('a')
    first()
    expect(collapser.size).toBe(1)
    second()
    expect(collapser.size).toBe(0)
  })

  it('does not let an older fetch release a newer one for the same key', async () => {
    const collapser = new Collapser()
    const older = collapser.begin('a')
    const olderPending = collapser.pending('a')!
    const newer = collapser.begin('a')
    const newerPending = collapser.pending('a')!
    expect(newerPending).not.toBe(olderPending)
    older()
    expect(await settled(olderPending)).toBe(true)
    expect(collapser.pending('a')).toBe(newerPending)
    expect(await settled(newerPending)).toBe(false)
    newer()
    expect(collapser.pending('a')).toBeUndefined()
  })
})
