/**
 * The gateway on Fastly Compute, as one Hono app. Every request is classified first
 * (`src/proxy/classify.ts`), because a handed-off request skips the cache on its first leg:
 * realtime requests go to Fanout, Fanout's signed callbacks and plain requests take the pull
 * path through the readthrough cache, publishes purge then forward. The core's PullCache and
 * hub are not used here: Fastly's cache caches and Fanout holds the connections.
 * @module
 */
import { type Context, Hono } from 'hono'
import type { ConfigProblem, GatewayConfig } from '../../src/config/types.ts'
import { GatewayError, problemResponse } from '../../src/errors.ts'
import { gripSigState } from '../../src/grip/fanout-sig.ts'
import { isListHost } from '../../src/http/host-field.ts'
import { classifyRequest } from '../../src/proxy/classify.ts'
import { clientPeer, type TrustedProxies, trustedProxies } from '../../src/proxy/forwarding.ts'
import type { ForwardItems } from '../../src/publish/relay.ts'
import type { Purger } from '../../src/purge/purger.ts'
import type { Result } from '../../src/result.ts'
import { handlePublish, handlePurge } from './admin-routes.ts'
import type { FastlyOrigin } from './origin.ts'
import type { FastlySettings, PublishApiSettings } from './settings.ts'

/** The seams of the Fastly app; `main.ts` passes the real ones, tests pass shims. */
export interface FastlyAppDeps {
  /** The settings, loaded on first use (stores are readable only while handling a request). */
  settings: () => Promise<Result<FastlySettings, ConfigProblem[]>>
  origin: FastlyOrigin
  purger: Purger
  /** `createFanoutHandoff` with the request exactly as the client sent it. */
  handOff: (request: Request, backend: string) => Response
  /** Builds the publish forwarder for the configured publish API. */
  forwarder: (api: PublishApiSettings | undefined) => ForwardItems
  now?: () => number
  logError?: (message: string, fields: Record<string, unknown>) => void
  /**
   * The client's address (`event.client.address`), for `X-Forwarded-For`. On a Fanout
   * callback it is Fanout's: list its addresses in `trustedProxies` only if Fanout is known
   * to write `X-Forwarded-For` itself, as nothing else vouches for the chain it carries.
   */
  clientAddress?: (c: Context) => string | undefined
}

/** Builds the Fastly app. */
export function createFastlyApp(deps: FastlyAppDeps): Hono {
  const now = deps.now ?? Date.now
  const app = new Hono()
  const matchers = new WeakMap<GatewayConfig, TrustedProxies>()
  const isTrusted = (config: GatewayConfig) => {
    let matcher = matchers.get(config)
    if (!matcher) {
      matcher = trustedProxies(config.trustedProxies)
      matchers.set(config, matcher)
    }
    return matcher
  }

  app.all('*', async (c) => {
    const loaded = await deps.settings()
    if (!loaded.ok) {
      throw new GatewayError('CONFIG_INVALID', 500, 'the bundled gripgate config does not parse', {
        extras: { problems: loaded.error },
      })
    }
    const settings = loaded.value
    const { config } = settings
    // The original request object: Fanout must receive it untouched (PLATFORMS.md A.3).
    const request = c.req.raw
    // Two Host fields, joined: routing and the cache key would follow one of them (RFC 9112 §3.2).
    if (isListHost(request.headers.get('host'))) {
      throw new GatewayError('BAD_REQUEST', 400, 'a request may carry one Host field', {
        headers: { connection: 'close' },
      })
    }
    const decision = classifyRequest(request, {
      routes: config.routes,
      ...(config.publish ? { publishPath: config.publish.path } : {}),
      gripSig: await gripSigState(request.headers, settings.trust, now()),
    })
    const admin = () => ({ purger: deps.purger, forward: deps.forwarder(settings.publishApi), now })
    switch (decision.kind) {
      case 'publish':
        // classifyRequest only answers publish/purge when publishing is configured.
        return handlePublish(request, config.publish!, admin())
      case 'purge':
        return handlePurge(request, config.publish!, admin())
      case 'bad-signature':
        throw new GatewayError(
          'GRIP_SIG_INVALID',
          403,
          'Grip-Sig does not verify: expected ES256 from Fastly Fanout for this service, or HS256 with grip.key, not expired'
        )
      case 'not-found': {
        const url = new URL(request.url)
        throw new GatewayError('ROUTE_NOT_FOUND', 404, `no route for ${url.host}${url.pathname}`)
      }
      case 'handoff':
        return deps.handOff(request, settings.fanoutBackend)
      case 'pull': {
        const { route } = decision
        const origin = config.origins[route.origin]
        if (!origin) {
          throw new GatewayError('INTERNAL', 500, `route names unknown origin "${route.origin}"`)
        }
        const peer = clientPeer(deps.clientAddress?.(c), isTrusted(config))
        return deps.origin.pull(
          request,
          { route, originName: route.origin, origin },
          decision.trusted,
          peer
        )
      }
    }
  })

  app.onError((error, c) => {
    if (error instanceof GatewayError) return error.getResponse()
    deps.logError?.('unhandled error', { path: c.req.path, error: String(error) })
    return problemResponse(500, { title: 'Internal gateway error', status: 500, code: 'INTERNAL' })
  })

  return app
}
