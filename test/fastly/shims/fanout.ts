/**
 * In-memory `fastly:fanout` (js-compute 3.46 `types/fanout.d.ts`): records each handoff and
 * answers with a marker response instead of passing the request to Fanout.
 * @module
 */
import { record } from './calls.ts'

/** Handoffs made, with the exact Request object passed. */
export const handoffs: Array<{ request: Request; backend: string }> = []

/** Like the real one: throws on an empty or over-long backend name. */
export function createFanoutHandoff(request: Request, backend: string): Response {
  if (backend.length < 1 || backend.length > 254) {
    throw new Error('createFanoutHandoff: backend must be 1 to 254 characters')
  }
  handoffs.push({ request, backend })
  record('createFanoutHandoff', request, backend)
  return new Response(null, { status: 200, headers: { 'x-shim-fanout-handoff': backend } })
}
