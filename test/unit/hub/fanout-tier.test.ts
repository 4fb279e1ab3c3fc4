import { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import { runFanoutTierContract } from '../../contract/fanout-tier.contract.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import { LIMITS } from '../../helpers/grip-harness.ts'

runFanoutTierContract('EmbeddedFanout (web streams)', {
  holds: true,
  counts: true,
  make: async () => ({
    tier: new EmbeddedFanout({
      clock: new FakeClock(),
      logger: new CaptureLogger(),
      limits: LIMITS,
    }),
  }),
})
