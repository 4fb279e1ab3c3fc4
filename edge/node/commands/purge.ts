/**
 * `gripgate purge`: purge cached content by surrogate key through a running gateway.
 * @module
 */
import { parseCommandArgs } from './args.ts'
import { gatewayUrl, keyList, objectCount, postJson, publishKey } from './remote.ts'

export const PURGE_USAGE = `Usage: gripgate purge --url URL --key KEY --keys k1,k2 [--soft]

Purges every cached response tagged with one of the keys (Surrogate-Key / Cache-Tag).

Options:
  --url URL      the gateway, e.g. http://127.0.0.1:8080
  --key KEY      a publish key (default $GRIPGATE_PUBLISH_KEY)
  --keys k1,k2   surrogate keys to purge
  --soft         mark stale (revalidate on next use) instead of removing
  -h, --help     show this help`

/** Runs the purge command; returns the exit code. */
export async function runPurge(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      url: { type: 'string' },
      key: { type: 'string' },
      keys: { type: 'string' },
      soft: { type: 'boolean' },
    },
    PURGE_USAGE
  )
  if (values.help) {
    out(PURGE_USAGE)
    return 0
  }
  const base = gatewayUrl(values.url)
  const key = publishKey(values.key)
  const keys = keyList(values.keys, '--keys')
  const answer = await postJson(new URL('/_gripgate/purge', base), key, {
    keys,
    soft: values.soft === true,
  })
  out(
    `purged ${objectCount(answer.purged)} (${values.soft ? 'soft' : 'hard'}) for ${keys.join(', ')}`
  )
  return 0
}
