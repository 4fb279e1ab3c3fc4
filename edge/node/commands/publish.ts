/**
 * `gripgate publish`: publish one item (and purge its keys) through a running gateway.
 * @module
 */
import { parseCommandArgs } from './args.ts'
import { CliError } from './load-config.ts'
import { gatewayUrl, keyList, objectCount, postJson, publishKey } from './remote.ts'

export const PUBLISH_USAGE = `Usage: gripgate publish --url URL --key KEY --channel C --data D
                        [--format http-stream|http-response|ws-message]
                        [--id I] [--prev-id P] [--purge k1,k2] [--soft] [--path /publish/] [--raw]

Publishes one item through a running gateway. The gateway purges the channel's cached
content (and any --purge keys) first, then delivers to subscribers.

Options:
  --url URL          the gateway, e.g. http://127.0.0.1:8080
  --key KEY          a publish key (default $GRIPGATE_PUBLISH_KEY)
  --channel C        channel to publish on
  --data D           the content (http-stream, ws-message) or body (http-response);
                     \\n, \\r, \\t and \\\\ in it are a newline, a carriage return, a tab and
                     a backslash, so an SSE event is --data 'data: hello\\n\\n'
  --raw              send --data as typed, backslashes and all
  --format F         http-stream (default), http-response or ws-message
  --id I, --prev-id P   ordering ids (GRIP)
  --purge k1,k2      extra surrogate keys to purge
  --soft             soft purge: mark stale instead of removing
  --path P           publish path on the gateway (default /publish/)
  -h, --help         show this help`

const FORMATS = ['http-stream', 'http-response', 'ws-message'] as const

/** Runs the publish command; returns the exit code. */
export async function runPublish(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      url: { type: 'string' },
      key: { type: 'string' },
      channel: { type: 'string' },
      data: { type: 'string' },
      format: { type: 'string' },
      id: { type: 'string' },
      'prev-id': { type: 'string' },
      purge: { type: 'string' },
      soft: { type: 'boolean' },
      path: { type: 'string' },
      raw: { type: 'boolean' },
    },
    PUBLISH_USAGE
  )
  if (values.help) {
    out(PUBLISH_USAGE)
    return 0
  }
  const base = gatewayUrl(values.url)
  const key = publishKey(values.key)
  if (!values.channel) throw new CliError('--channel is required', 2)
  if (values.data === undefined) throw new CliError('--data is required', 2)
  const format = values.format ?? 'http-stream'
  if (!FORMATS.includes(format as (typeof FORMATS)[number])) {
    throw new CliError(`invalid --format "${format}": expected ${FORMATS.join(', ')}`, 2)
  }
  const data = values.raw ? values.data : interpretEscapes(values.data)
  const item: Record<string, unknown> = {
    channel: values.channel,
    formats: { [format]: format === 'http-response' ? { body: data } : { content: data } },
  }
  if (values.id !== undefined) item.id = values.id
  if (values['prev-id'] !== undefined) item['prev-id'] = values['prev-id']
  if (values.purge !== undefined) item.purge = keyList(values.purge, '--purge')
  if (values.soft) item['purge-mode'] = 'soft'
  const answer = await postJson(new URL(values.path ?? '/publish/', base), key, { items: [item] })
  out(`published to ${values.channel}; purged ${objectCount(answer.purged)}`)
  return 0
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' }

/**
 * `\n`, `\r`, `\t` and `\\` as the characters they name, as `printf` does: a shell's single
 * quotes keep them as typed, and an SSE event without its blank line never ends. Any other
 * backslash stays as it is.
 */
export function interpretEscapes(text: string): string {
  return text.replace(/\\([nrt\\])/g, (_match, name: string) => ESCAPES[name]!)
}
