import { describe, expect, it } from 'vitest'
import { afterHistory, MAX_RESUME_QUEUE, ResumeWait } from '../../../src/hub/resume-wait.ts'
import { historyItem } from '../../contract/history-store.contract.ts'

describe('afterHistory', () => {
  it.each([
    ['skips ids history had', ['2', '3'], ['3', '4'], ['4']],
    ['keeps id-less items', ['2'], [undefined, '2'], ['-']],
    ['keeps everything after an empty history', [], ['1', '2'], ['1', '2']],
  ] as const)('%s', (_name, history, waiting, expected) => {
    const items = (ids: readonly (string | undefined)[]) => ids.map((id) => historyItem('c', id))
    expect(afterHistory(items(history), items(waiting)).map((i) => i.id ?? '-')).toEqual(expected)
  })
})

describe('ResumeWait', () => {
  it('keeps a resumed channel’s items, within the bound, and lets other channels through', () => {
    const wait = new ResumeWait()
    const token = wait.start('c')
    for (let i = 0; i < MAX_RESUME_QUEUE + 5; i++)
      expect(wait.keep(historyItem('c', String(i)), 'c')).toBe(true)
    expect(wait.keep(historyItem('d', '1'), 'd')).toBe(false)
    expect(wait.finish('c', token, [historyItem('c', '0')])).toHaveLength(MAX_RESUME_QUEUE - 1)
    expect(wait.keep(historyItem('c', 'x'), 'c')).toBe(false)
  })

  it('ends nothing for a cancelled or replaced wait', () => {
    const wait = new ResumeWait()
    const first = wait.start('c')
    wait.cancel('c')
    expect(wait.finish('c', first, [])).toBeUndefined()
    const second = wait.start('c')
    wait.start('c')
    expect(wait.finish('c', second, [])).toBeUndefined()
  })
})
