/**
 * How a holder reaches the origin again by itself: retries of long-polls, next links of
 * streams and the WebSocket-over-HTTP requests of its sockets. These never go through the
 * cache (the Worker's `send` uses `direct` for them too), so a holder needs only the route
 * table, `Grip-Sig` and `fetch`.
 * @module
 */
import { markOutcome, stripEdgeOnly } from '../../../src/cache/respond.ts'
import type { GatewayConfig } from '../../../src/config/types.ts'
import type { FanoutTier, OriginAgain, SendToOrigin } from '../../../src/fanout.ts'
import { withoutHopByHop } from '../../../src/http/headers.ts'
import type { Clock, Logger, Origin } from '../../../src/platform.ts'
import { clientPeer, trustedProxies } from '../../../src/proxy/forwarding.ts'
import { proxyWithGrip } from '../../../src/proxy/grip-proxy.ts'
import { routeForward } from '../../../src/proxy/route-forward.ts'
import { cloudflareClientAddress } from '../client-address.ts'
import type { ReplayCallback } from './rpc.ts'
import type { WireRequest } from './wire.ts'

/**
 * The holder's `SendToOrigin`: the request's route, Grip headers, and the answer with the
 * fields a client must not see removed, marked `BYPASS` as the Worker's direct path does.
 * The client's address comes with the request it replays (`CF-Connecting-IP`: the
 * client's request, or a WebSocket's OPEN request, which copied it); next links carry no
 * client fields (GRIP.md §6.2), so none.
 */
export function originSender(
  config: GatewayConfig,
  origin: Origin,
  clock: Clock,
  logger?: Logger
): SendToOrigin {
  const isTrusted = trustedProxies(config.trustedProxies)
  return async (request, { lastIds }) => {
    const peer = clientPeer(cloudflareClientAddress(request.headers), isTrusted)
    const { forward } = routeForward(config, origin, clock, request, lastIds, { peer, logger })
    const response = await forward({
      method: request.method,
      headers: request.headers,
      body: request.body,
    })
    const headers = markOutcome(stripEdgeOnly(withoutHopByHop(response.headers)), 'BYPASS')
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    })
  }
}

/**
 * The `OriginAgain` of a hold that arrived from the Worker: replays go to the origin from
 * here and a new hold they bring stays on this holder (`tier`). A client body is not
 * available to the holder, so a request that had one replays through `replay` instead.
 */
export function originAgain(
  client: WireRequest,
  send: SendToOrigin,
  tier: FanoutTier,
  replay?: ReplayCallback
): OriginAgain {
  return {
    replay(lastIds) {
      if (replay) return replay(lastIds)
      const request = new Request(client.url, { method: client.method, headers: client.headers })
      // The first request carries this replay's Grip-Last; later ones (links, nested
      // replays) bring their own.
      return proxyWithGrip(
        request,
        (again, options) => send(again, { ...options, lastIds: options.lastIds ?? lastIds }),
        tier
      )
    },
    fetchLink: (url, lastIds) => send(new Request(url), { lastIds, direct: true }),
  }
}
