/**
 * From a request to a way of sending it to its route's origin, with the GRIP request headers
 * (Grip-Sig, Grip-Feature, Grip-Last) added on the way: shared by the gateway and by every
 * fanout tier that reaches the origin itself.
 * @module
 */

import type { Forward } from '../cache/fill.ts'
import type { GatewayConfig, RouteConfig } from '../config/types.ts'
import { GatewayError } from '../errors.ts'
import type { LastIds } from '../fanout.ts'
import { dropGripFields, prepareGripHeaders } from '../grip/origin-request.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Clock, Logger, Origin } from '../platform.ts'
import { forwarderFor } from './forward.ts'
import type { ClientPeer } from './forwarding.ts'
import { matchRoute } from './routes.ts'

/**
 * What the origin is told of GRIP: `announce` (the gateway holds: client `Grip-*` fields
 * dropped, `Grip-Sig`, `Grip-Feature` and `Grip-Last` added), `plain` (client `Grip-*`
 * fields dropped, nothing announced: the gateway cannot hold this request), or `pass` (a
 * fanout tier's verified callback: its `Grip-*` fields go on untouched).
 */
export type GripMode = 'announce' | 'plain' | 'pass'

/** Who a request is forwarded for and where origin trouble is logged. */
export interface ForwardFor {
  /** The client's peer (`X-Forwarded-For`); undefined when unknown. */
  peer?: ClientPeer | undefined
  logger?: Pick<Logger, 'warn'>
  /** Default `announce`. */
  grip?: GripMode
  /** Counts the origin requests (absent: not counted). */
  metrics?: Metrics
}

/** The request's route and a `Forward` to its origin; 404 when no route matches. */
export function routeForward(
  config: GatewayConfig,
  origin: Origin,
  clock: Clock,
  request: Request,
  lastIds: LastIds | undefined,
  via: ForwardFor = {}
): { route: RouteConfig; forward: Forward } {
  const url = new URL(request.url)
  const route = matchRoute(config.routes, url.host, url.pathname)
  if (!route)
    throw new GatewayError('ROUTE_NOT_FOUND', 404, `no route for ${url.host}${url.pathname}`)
  const target = config.origins[route.origin]
  if (!target)
    throw new GatewayError('INTERNAL', 500, `route names unknown origin "${route.origin}"`)
  const forward = forwarderFor(
    origin,
    target,
    request,
    async (headers) => {
      const mode = via.grip ?? 'announce'
      if (mode === 'announce') await prepareGripHeaders(headers, config.grip, clock.now(), lastIds)
      else if (mode === 'plain') dropGripFields(headers)
    },
    {
      peer: via.peer,
      logger: via.logger,
      name: route.origin,
      clock,
      metrics: via.metrics,
      now: () => clock.now(),
    }
  )
  return { route, forward }
}
