/**
 * `gripgate demo` (what `npm start` runs): the demo origin from fixtures/ and the
 * gateway in front of it, with the committed gripgate.config.json.
 * @module
 */
import { startDemoOrigin } from '../../../fixtures/demo/origin.ts'
import { gatewayPublisher } from '../../../fixtures/demo/publisher.ts'
import { startGateway } from '../server.ts'
import { parseCommandArgs, parsePort } from './args.ts'
import { DEFAULT_CONFIG_PATH, loadConfig } from './load-config.ts'
import { waitForSignal } from './serve.ts'

export const DEMO_USAGE = `Usage: gripgate demo [--config FILE] [--port N]

Starts the gateway and the demo origin (fixtures/demo) behind it, on the address
its config names; open the gateway's URL in a browser for the demo page. Demo keys
are used for any unset secret variables.

Options:
  -c, --config FILE   config file (default ${DEFAULT_CONFIG_PATH})
  -p, --port N        gateway port (default $PORT, else 8080)
  -h, --help          show this help`

/** Development-only keys for the demo; a deployment sets its own. */
const DEMO_SECRETS = {
  GRIPGATE_GRIP_KEY: 'demo-grip-key',
  GRIPGATE_PUBLISH_KEY: 'demo-publish-key',
}

export async function runDemo(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' } },
    DEMO_USAGE
  )
  if (values.help) {
    out(DEMO_USAGE)
    return 0
  }
  for (const [name, value] of Object.entries(DEMO_SECRETS)) process.env[name] ??= value
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH)
  const demoOrigin = Object.values(config.origins)[0]
  const originUrl = new URL(demoOrigin?.url ?? 'http://127.0.0.1:9000')
  const gateway = await startGateway({
    config,
    port: parsePort(values.port, parsePort(process.env.PORT, 8080)),
    host: '127.0.0.1',
  })
  // The page's form goes to the origin, which publishes server-side with a publish key: the
  // key stays out of the browser (fixtures/demo/publisher.ts).
  const publishKey = config.publish?.keys[0]
  const publisher =
    config.publish && publishKey
      ? gatewayPublisher({ url: new URL(config.publish.path, gateway.url).href, key: publishKey })
      : undefined
  const origin = await startDemoOrigin(Number(originUrl.port || 80), originUrl.hostname, {
    publisher,
  }).catch(async (error: unknown) => {
    await gateway.close(0)
    throw error
  })
  const key = process.env.GRIPGATE_PUBLISH_KEY
  out(`demo origin on ${origin.url}
gripgate listening on ${gateway.url}

Open ${gateway.url}/ in a browser (two windows) for the demo page.

Or try:
  curl -i ${gateway.url}/items/1            # MISS, then HIT on the second call
  curl -i ${gateway.url}/items/1 -H 'If-None-Match: "item-1-v1"'   # 304 from the edge
  curl -i -X PUT ${gateway.url}/items/1 -d '{"price":4}'          # changes the item at the origin
  curl -i ${gateway.url}/_gripgate/purge -H 'Authorization: Bearer ${key}' \\
       -H 'Content-Type: application/json' -d '{"keys":["item-1"]}'
  curl -i ${gateway.url}/items/1            # MISS again: fresh content

  curl -N ${gateway.url}/news/stream        # an SSE stream held by the gateway (GRIP)
  curl -i ${gateway.url}/publish/ -H 'Authorization: Bearer ${key}' \\
       -d '{"items":[{"channel":"news","formats":{"http-stream":{"content":"data: hello\\n\\n"}}}]}'

Ctrl-C to stop.`)
  return waitForSignal(async () => {
    await gateway.close(2_000)
    await origin.close()
  })
}
