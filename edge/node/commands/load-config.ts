/**
 * Reading a config file for the CLI: every problem reported with its JSON path.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { formatProblems, parseConfigText } from '../../../src/config/parse.ts'
import type { ConfigProblem, GatewayConfig } from '../../../src/config/types.ts'

/** A CLI failure: printed to stderr, then the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** The config path the CLI uses when none is given. */
export const DEFAULT_CONFIG_PATH = './gripgate.config.json'

/** Loads and validates a config file; throws `CliError` listing every problem. */
export async function loadConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<GatewayConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CliError(
      `cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`
    )
  }
  const parsed = parseConfigText(text, env)
  if (!parsed.ok) {
    const count = parsed.error.length
    throw new CliError(
      `${path}: ${count} problem${count === 1 ? '' : 's'}\n${formatProblems(parsed.error)}${unsetHint(parsed.error)}`
    )
  }
  return parsed.value
}

/**
 * What to do about secrets the config reads from unset variables (`{ "env": NAME }`): the
 * committed config names two, which `gripgate demo` fills with development values and
 * `check` and `serve` do not. Matches the message of src/config/fields.ts `secret`.
 */
export function unsetHint(problems: readonly ConfigProblem[]): string {
  const names = problems.flatMap(
    (problem) =>
      /^environment variable (\S+) is (?:not set|empty)$/.exec(problem.message)?.[1] ?? []
  )
  if (names.length === 0) return ''
  const example = names.map((name) => `${name}=...`).join(' ')
  return `\nThe config reads ${names.length === 1 ? 'this secret' : 'these secrets'} from the environment ({ "env": NAME }): set ${names.length === 1 ? 'it' : 'them'} first, e.g.
  export ${example}
(npm start, which runs gripgate demo, sets development values for the ones left unset.)`
}
