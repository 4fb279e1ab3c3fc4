/**
 * Parsed instructions of cached GRIP answers, kept with their stored entry (stored-hit.ts):
 * a hold served from the edge cache then costs no body read and no parse (issue #15: reading
 * the cached instruction's body was the largest part of a resumed hold after the socket
 * writes). The instruction is shared by every hold of the entry and never modified; only the
 * fields that change per hit (`Age`, `X-Cache`, `Cache-Status`) are taken from each answer.
 * @module
 */
import { PER_HIT_FIELDS, storedHitOf } from '../cache/stored-hit.ts'
import { isInstructType } from '../grip/grip-response.ts'
import type { Instruct } from '../grip/types.ts'

interface Memo {
  instruct: Instruct
  /** The `maxChannels` it was parsed with. */
  maxChannels: number
  /** Indexes in `instruct.response.headers` of fields that change per hit. */
  perHit: number[]
}

const memos = new WeakMap<object, Memo>()

/**
 * The instruction `response` carries, when it is a stored entry's answer whose instruction
 * `rememberInstruct` kept (parsed with the same `maxChannels`).
 */
export function rememberedInstruct(response: Response, maxChannels: number): Instruct | undefined {
  const hit = storedHitOf(response)
  const memo = hit && memos.get(hit.entry)
  if (!memo || memo.maxChannels !== maxChannels) return undefined
  if (memo.perHit.length === 0) return memo.instruct
  const headers = memo.instruct.response.headers.slice()
  for (const i of memo.perHit) {
    const name = headers[i]![0]
    headers[i] = [name, hit.headers[name] ?? headers[i]![1]]
  }
  return { ...memo.instruct, response: { ...memo.instruct.response, headers } }
}

/** Keeps `instruct`, parsed from `response`, with its stored entry when it has one. */
export function rememberInstruct(
  response: Response,
  instruct: Instruct,
  maxChannels: number
): void {
  const hit = storedHitOf(response)
  if (!hit) return
  // The JSON form's client headers come from its body alone: nothing in them changes per hit.
  const perHit: number[] = []
  if (!isInstructType(response.headers)) {
    for (const [i, [name]] of instruct.response.headers.entries())
      if (PER_HIT_FIELDS.has(name)) perHit.push(i)
  }
  memos.set(hit.entry, { instruct, maxChannels, perHit })
}
