/**
 * Two connected IPC channel ends in one process (what `process` and `cluster.Worker` are to
 * each other), for testing the `--workers` bus without forking: each message is cloned and
 * delivered on a later turn, as Node's IPC does.
 */
import { EventEmitter } from 'node:events'
import type { IpcChannel } from '../../edge/node/cluster/ipc-bus.ts'

class End extends EventEmitter implements IpcChannel {
  peer: End | undefined
  send(message: unknown): boolean {
    const peer = this.peer
    const copy = structuredClone(message)
    setImmediate(() => peer?.emit('message', copy))
    return true
  }
}

/** A connected pair: what one end sends, the other hears. */
export function ipcPair(): [IpcChannel, IpcChannel] {
  const a = new End()
  const b = new End()
  a.peer = b
  b.peer = a
  return [a, b]
}
