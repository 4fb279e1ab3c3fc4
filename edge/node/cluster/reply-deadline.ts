/**
 * A deadline for a reply that a busy event loop cannot trip on its own.
 *
 * libuv runs expired timers before it polls sockets, so when a process was kept off the CPU
 * (a starved core, a long synchronous task) past a command's deadline, a plain timer fires
 * first and fails a command whose reply is already waiting in the socket: Redis answered in
 * time, the node says it is unreachable (a publish answers 503, a heartbeat counts as missed).
 * Here the timer only schedules the verdict after the next poll phase (`setImmediate` runs in
 * the check phase), so a reply that arrived has been read by then and wins.
 * @module
 */

/** Settles like `op`, or rejects with `message` if `op` has not settled `ms` after the call. */
export function withReplyDeadline<T>(op: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return
        settled = true
        reject(new Error(message))
      })
    }, ms)
    op.then(
      (value) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        reject(error)
      }
    )
  })
}
