/**
 * How a holder reaches the origin again by itself: retries of long-polls, next links of
 * streams and the WebSocket-over-HTTP requests of its sockets. These never go through the
 * cache (the Worker's `send` uses `direct` for them too), so a holder needs only the route
 * table, `Grip-Sig` and `fetch`.
 * @module
 */
import { markOutcome, stripEdgeOnly } from '../../../src/cache/respond.ts'
import type { GatewayConfig } from '../../../src/config/types.ts'
import type { FanoutTier } from '../../../src/fanout.ts'
import { withoutHopByHop } from '../../../src/http/headers.ts'
import type { LastIds, OriginAgain } from '../../../src/hub/hold-context.ts'
import type { Clock, Origin } from '../../../src/platform.ts'
import { proxyWithGrip, type SendToOrigin } from '../../../src/proxy/grip-proxy.ts'
import { routeForward } from '../../../src/proxy/route-forward.ts'
import type { WireRequest } from './wire.ts'

/**
 * The holder's `SendToOrigin`: the request's route, Grip headers, and the answer with the
 * fields a client must not see removed, marked `BYPASS` as the Worker's direct path does.
 */
export function originSender(config: GatewayConfig, origin: Origin, clock: Clock): SendToOrigin {
  return async (request, { lastIds }) => {
    const { forward } = routeForward(config, origin, clock, request, lastIds)
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

/** A replay handled by whoever holds the client's body (the Worker, over RPC). */
export type ReplayCallback = (lastIds: LastIds) => Promise<Response>

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
