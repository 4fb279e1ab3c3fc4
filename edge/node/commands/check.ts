/**
 * `gripgate check`: validates a config file and reports every problem.
 * @module
 */
import { parseCommandArgs } from './args.ts'
import { DEFAULT_CONFIG_PATH, loadConfig } from './load-config.ts'

export const CHECK_USAGE = `Usage: gripgate check [--config FILE]

Validates a gateway config file. Prints every problem with its JSON path and
exits 1 if there is any; prints a summary and exits 0 otherwise.

Options:
  -c, --config FILE   config file (default ${DEFAULT_CONFIG_PATH})
  -h, --help          show this help`

/** Runs the check command; returns the exit code. */
export async function runCheck(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' } }, CHECK_USAGE)
  if (values.help) {
    out(CHECK_USAGE)
    return 0
  }
  const path = values.config ?? DEFAULT_CONFIG_PATH
  const config = await loadConfig(path)
  const origins = Object.keys(config.origins).length
  out(
    `${path}: ok (${origins} origin${origins === 1 ? '' : 's'}, ${config.routes.length} route${config.routes.length === 1 ? '' : 's'})`
  )
  return 0
}
