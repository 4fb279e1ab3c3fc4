/**
 * Reading a config file for the CLI: every problem reported with its JSON path.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { formatProblems, parseConfigText } from '../../../src/config/parse.ts'
import type { GatewayConfig } from '../../../src/config/types.ts'

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
      `${path}: ${count} problem${count === 1 ? '' : 's'}\n${formatProblems(parsed.error)}`
    )
  }
  return parsed.value
}
