/**
 * The GRIP step of the proxy (GRIP.md §2.2, §3.3): forward the client's request, and when
 * the origin answers with instructions, act on them through the hub instead of passing the
 * answer on.
 * @module
 */
import { GatewayError } from '../errors.ts'
import type { FanoutTier, LastIds, OriginAgain, SendToOrigin } from '../fanout.ts'
import { toResponse } from '../grip/client-response.ts'
import { isGripAnswer } from '../grip/grip-response.ts'
import { parseInstruct } from '../grip/instruct.ts'
import type { Instruct } from '../grip/types.ts'
import { readUpTo } from '../http/body.ts'
import { sharedPair } from '../http/shared-pairs.ts'
import { rememberedInstruct, rememberInstruct } from './instruct-memo.ts'
import { bufferForReplay } from './replay-body.ts'

/** Largest client body kept for replays, and largest non-stream instruction body (§2.2). */
export const GRIP_BODY_LIMIT = 100_000
/** Largest stream-hold initial body read into memory. */
const STREAM_BODY_LIMIT = 16 * 1024 * 1024

/** Runs one client request through the origin, holding it when the origin says so. */
export async function proxyWithGrip(
  request: Request,
  send: SendToOrigin,
  tier: FanoutTier
): Promise<Response> {
  const replay = await bufferForReplay(request, GRIP_BODY_LIMIT)
  const response = await send(replay.request, { direct: false })
  return interpret(request, response, replay.body, send, tier)
}

async function interpret(
  client: Request,
  response: Response,
  replayBody: Uint8Array<ArrayBuffer> | null | undefined,
  send: SendToOrigin,
  tier: FanoutTier
): Promise<Response> {
  // A cached instruction already parsed: no body read, no parse (instruct-memo.ts).
  const remembered = rememberedInstruct(response, tier.maxChannels)
  if (!remembered && !isGripAnswer(response)) return response
  if (replayBody === undefined) {
    await response.body?.cancel()
    throw new GatewayError(
      'GRIP_REQUEST_TOO_LARGE',
      400,
      'Request too large to accept GRIP instruct.'
    )
  }
  const instruct = remembered ?? (await readInstruct(response, tier.maxChannels))

  const origin = new AgainThroughProxy(client, replayBody, send, tier)

  if (instruct.hold === 'none' && !instruct.nextLink) {
    return toResponse(instruct.response, client.method)
  }
  return tier.hold(client, instruct, origin)
}

/**
 * The origin as a held session reaches it again, keeping only what a replay or a next link
 * needs: the URL text, the method, the header fields as pairs shared with other requests,
 * the replay body. A held stream keeps it for its lifetime: closures over the client's
 * Request kept the Request, its Headers and (on Node) @hono/node-server's request object
 * alive with every held connection (issue #18, the SSE heap diff).
 */
class AgainThroughProxy implements OriginAgain {
  readonly #url: string
  readonly #method: string
  readonly #headers: ReadonlyArray<[string, string]>
  readonly #replayBody: Uint8Array<ArrayBuffer> | null
  readonly #send: SendToOrigin
  readonly #tier: FanoutTier

  constructor(
    client: Request,
    replayBody: Uint8Array<ArrayBuffer> | null,
    send: SendToOrigin,
    tier: FanoutTier
  ) {
    this.#url = client.url
    this.#method = client.method
    const headers: Array<[string, string]> = []
    // Repeated fields come joined, as passing the Headers on sent them.
    client.headers.forEach((value, name) => {
      headers.push(sharedPair(name, value))
    })
    this.#headers = headers
    this.#replayBody = replayBody
    this.#send = send
    this.#tier = tier
  }

  async replay(lastIds: LastIds, signal?: AbortSignal): Promise<Response> {
    // The replayed request stands for the client's from here on (a hold it answers with
    // reads its Last-Event-ID, a replay of that replays it again).
    const again = new Request(this.#url, {
      method: this.#method,
      headers: this.#headers as Array<[string, string]>,
      body: this.#replayBody,
      ...(signal && { signal }),
    })
    const response = await this.#send(again, { lastIds, direct: true })
    return interpret(again, response, this.#replayBody, this.#send, this.#tier)
  }

  fetchLink(url: URL, lastIds: LastIds, signal?: AbortSignal): Promise<Response> {
    return this.#send(new Request(url, signal && { signal }), { lastIds, direct: true })
  }
}

/** Reads and parses an origin's (or the cache's) instruction; 502 when it is not one. */
async function readInstruct(response: Response, maxChannels: number): Promise<Instruct> {
  // A stream hold's initial body may be of any size (conformance 14); other instructions not.
  const isStream = response.headers.get('grip-hold') === 'stream'
  const body = await readUpTo(response, isStream ? STREAM_BODY_LIMIT : GRIP_BODY_LIMIT)
  if (body === undefined) throw badInstruct('instruction body exceeds the limit')
  const parsed = parseInstruct(response.status, response.headers, body, { maxChannels })
  if (!parsed.ok) throw badInstruct(parsed.error)
  rememberInstruct(response, parsed.value, maxChannels)
  return parsed.value
}

function badInstruct(detail: string): GatewayError {
  return new GatewayError('GRIP_BAD_INSTRUCT', 502, `Error while proxying to origin: ${detail}`)
}
