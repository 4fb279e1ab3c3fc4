/**
 * The black-box suite (test/helpers/black-box-cases.ts) against Fastly: createFastlyApp on
 * the fastly:* shims (helpers.ts buildApp), its origin fetch answered by the black-box origin,
 * and a fetch to the unreachable origin that fails as a refused connection does.
 */
import { beforeAll } from 'vitest'
import { SECRET_STORE } from '../../edge/fastly/stores.ts'
import { type CaseRequest, describeBlackBox } from '../helpers/black-box-cases.ts'
import { BB_PUBLISH_KEY, BB_PUBLISH_KEY_ENV, blackBoxConfig } from '../helpers/black-box-config.ts'
import { blackBoxOrigin, UNREACHABLE_HOST } from '../helpers/black-box-origin.ts'
import { buildApp, GRIP_KEY, type Sent, seedStores } from './helpers.ts'
import { resetShims } from './shims/reset.ts'
import { seedSecretStore } from './shims/secret-store.ts'

const CLIENT = '203.0.113.9'
const vars: Record<string, string> = {
  run: crypto.randomUUID().slice(0, 8),
  client: CLIENT,
  proto: 'https',
  unreachable: UNREACHABLE_HOST,
}

/** The origin fetch: what Fastly's backend would answer. */
function origin(sent: Sent): Promise<Response> {
  if (new URL(sent.url).hostname === UNREACHABLE_HOST) {
    throw new TypeError(`connection refused by ${UNREACHABLE_HOST}`)
  }
  const method = sent.init.method ?? 'GET'
  return blackBoxOrigin(
    new Request(sent.url, {
      method,
      headers: sent.headers,
      ...(sent.body !== undefined ? { body: sent.body } : {}),
    })
  )
}

let app: ReturnType<typeof buildApp>['app']

beforeAll(() => {
  resetShims()
  seedStores()
  // After seedStores, which replaces the store: its keys plus the suite's publish key.
  seedSecretStore(SECRET_STORE, {
    GRIP_KEY,
    FASTLY_API_TOKEN: 'test-api-token',
    [BB_PUBLISH_KEY_ENV]: BB_PUBLISH_KEY,
  })
  app = buildApp({
    config: blackBoxConfig({
      app: 'http://origin.test',
      unreachable: `http://${UNREACHABLE_HOST}`,
    }),
    origin,
    clientAddress: CLIENT,
    warn: () => {},
  }).app
})

async function send(request: CaseRequest) {
  const response = await app.fetch(
    new Request(`https://${request.host ?? 'gw.test'}${request.path}`, {
      method: request.method ?? 'GET',
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    })
  )
  return { status: response.status, headers: response.headers, body: await response.text() }
}

describeBlackBox('the black-box cases on Fastly (shims)', 'fastly', send, vars)
