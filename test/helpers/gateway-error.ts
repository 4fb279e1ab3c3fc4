/** The GatewayError `work` rejects with; fails the test when it resolves or rejects otherwise. */
import { GatewayError } from '../../src/errors.ts'

export async function gatewayErrorOf(work: Promise<unknown>): Promise<GatewayError> {
  try {
    await work
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('expected a GatewayError')
}
