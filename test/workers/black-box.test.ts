/**
 * The black-box suite (test/helpers/black-box-cases.ts) inside workerd: the deployed Worker's
 * own fetch handler (edge/cloudflare/index.ts, what SELF runs), given the suite's config as
 * its `GRIPGATE_CONFIG` binding (SELF's bindings carry the other workers tests' config, whose
 * catch-all route leaves no path unrouted), a fresh cache namespace, and Miniflare's
 * outboundService as the origin (workers-origin.ts, under `/black-box/`).
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import type { GatewayEnv } from '../../edge/cloudflare/env.ts'
import worker from '../../edge/cloudflare/index.ts'
import { type CaseRequest, describeBlackBox } from '../helpers/black-box-cases.ts'
import { BB_PUBLISH_KEY, BB_PUBLISH_KEY_ENV, blackBoxConfig } from '../helpers/black-box-config.ts'
import { UNREACHABLE_HOST } from '../helpers/black-box-origin.ts'
import { freshNamespace } from './helpers.ts'

/** Cloudflare's edge sets CF-Connecting-IP on every request; the Worker reads the client there. */
const CLIENT = '203.0.113.7'
const vars: Record<string, string> = {
  run: crypto.randomUUID().slice(0, 8),
  client: CLIENT,
  proto: 'https',
  unreachable: UNREACHABLE_HOST,
}

// One object for the whole file: the Worker builds its gateway once per env object.
const suiteEnv = {
  ...env,
  GRIPGATE_CONFIG: JSON.stringify(
    blackBoxConfig({
      app: 'http://origin.test/black-box',
      unreachable: `http://${UNREACHABLE_HOST}`,
    })
  ),
  [BB_PUBLISH_KEY_ENV]: BB_PUBLISH_KEY,
  GRIPGATE_CACHE_NAMESPACE: freshNamespace(),
} as unknown as GatewayEnv

async function send(request: CaseRequest) {
  const headers = new Headers(request.headers)
  headers.set('cf-connecting-ip', CLIENT)
  const ctx = createExecutionContext()
  const response = await worker.fetch(
    new Request(`https://${request.host ?? 'gw.test'}${request.path}`, {
      method: request.method ?? 'GET',
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    }),
    suiteEnv,
    ctx
  )
  const body = await response.text()
  // The cache fill runs in waitUntil: the next request must find it done.
  await waitOnExecutionContext(ctx)
  return { status: response.status, headers: response.headers, body }
}

describeBlackBox('the black-box cases on Workers (workerd)', 'workers', send, vars)
