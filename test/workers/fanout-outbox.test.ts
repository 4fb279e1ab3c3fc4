import { describe, expect, it } from 'vitest'
import { HolderOutbox, MAX_ITEMS_PER_CALL } from '../../edge/cloudflare/fanout/holder-outbox.ts'
import type { CountedReport } from '../../src/fanout.ts'
import type { PublishItem } from '../../src/grip/publish-item.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'

const item = (id: string): PublishItem => ({ channel: 'c', id, noSeq: false, formats: {} })
const report = (items: number): CountedReport => ({
  items,
  released: items,
  held: 0,
  duplicates: 0,
})

/** A holder whose calls are answered (or failed) by the test, one at a time. */
function recordingHolders() {
  const calls: { holder: string; ids: string[][]; answer(ok?: boolean): void }[] = []
  const send = (holder: string, batches: PublishItem[][]) =>
    new Promise<CountedReport[]>((resolve, reject) => {
      calls.push({
        holder,
        ids: batches.map((batch) => batch.map((entry) => entry.id!)),
        answer: (ok = true) =>
          ok ? resolve(batches.map((batch) => report(batch.length))) : reject(new Error('reset')),
      })
    })
  return { calls, send }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('HolderOutbox', () => {
  it('sends one call per holder at a time; batches that wait go together, in order', async () => {
    const { calls, send } = recordingHolders()
    const outbox = new HolderOutbox(send, new CaptureLogger())
    const first = outbox.deliver('h1', [item('1')])
    const second = outbox.deliver('h1', [item('2'), item('3')])
    const third = outbox.deliver('h1', [item('4')])
    const other = outbox.deliver('h2', [item('1')])
    await tick()
    expect(calls.map((call) => [call.holder, call.ids])).toEqual([
      ['h1', [['1']]],
      ['h2', [['1']]],
    ])
    calls[0]!.answer()
    await tick()
    expect(calls[2]).toMatchObject({ holder: 'h1', ids: [['2', '3'], ['4']] })
    calls[2]!.answer()
    calls[1]!.answer()
    expect(await Promise.all([first, second, third, other])).toEqual([
      report(1),
      report(2),
      report(1),
      report(1),
    ])
    expect(outbox.pending).toBe(0)
  })

  it('answers undefined for the batches of a failed call and goes on with the next', async () => {
    const { calls, send } = recordingHolders()
    const logger = new CaptureLogger()
    const outbox = new HolderOutbox(send, logger)
    const lost = outbox.deliver('h1', [item('1')])
    const later = outbox.deliver('h1', [item('2')])
    await tick()
    calls[0]!.answer(false)
    expect(await lost).toBeUndefined()
    await tick()
    calls[1]!.answer()
    expect(await later).toEqual(report(1))
    expect(logger.messages('error')).toEqual(['delivery to holder failed'])
  })

  it('cuts a long backlog into calls of at most MAX_ITEMS_PER_CALL items', async () => {
    const { calls, send } = recordingHolders()
    const outbox = new HolderOutbox(send, new CaptureLogger())
    const all = [outbox.deliver('h1', [item('first')])]
    for (let i = 0; i < MAX_ITEMS_PER_CALL + 10; i++) all.push(outbox.deliver('h1', [item(`${i}`)]))
    await tick()
    calls[0]!.answer()
    await tick()
    expect(calls[1]!.ids.length).toBe(MAX_ITEMS_PER_CALL)
    calls[1]!.answer()
    await tick()
    expect(calls[2]!.ids.length).toBe(10)
    calls[2]!.answer()
    expect((await Promise.all(all)).every((answer) => answer?.items === 1)).toBe(true)
  })
})
