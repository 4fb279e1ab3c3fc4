import { IpcBus, serveBusOverIpc } from '../../../edge/node/cluster/ipc-bus.ts'
import { MemoryBroker, MemoryBus } from '../../../edge/node/cluster/memory-broker.ts'
import { RedisBus } from '../../../edge/node/cluster/redis-bus.ts'
import { runClusterBusContract } from '../../contract/cluster-bus.contract.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { ipcPair } from '../../helpers/ipc-pair.ts'
import { redisMissing, startRedis } from '../../helpers/redis.ts'

runClusterBusContract('in-process broker', {
  async open() {
    const broker = new MemoryBroker()
    return { connect: () => new MemoryBus(broker), close: async () => broker.close() }
  },
})

runClusterBusContract('IPC relay (--workers without Redis)', {
  async open() {
    const broker = new MemoryBroker()
    const stops: Array<() => void> = []
    return {
      connect() {
        const [primary, worker] = ipcPair()
        stops.push(serveBusOverIpc(broker, primary))
        return new IpcBus(worker)
      },
      async close() {
        for (const stop of stops) stop()
        broker.close()
      },
    }
  },
})

let clusters = 0
runClusterBusContract('Redis', {
  skip: redisMissing(),
  async open() {
    const redis = await startRedis()
    const name = `contract${++clusters}`
    return {
      connect: () => new RedisBus({ url: redis.url, name, logger: new CaptureLogger() }),
      close: () => redis.stop(),
    }
  },
})
