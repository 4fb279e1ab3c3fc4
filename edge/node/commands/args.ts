/**
 * Argument parsing shared by the CLI commands, on `node:util` parseArgs.
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { CliError } from './load-config.ts'

/** Parses `argv` for a command; unknown flags are a usage error (exit 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string
): ReturnType<
  typeof parseArgs<{
    args: string[]
    options: T & { help: { type: 'boolean'; short: 'h' } }
    strict: true
  }>
> {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
    })
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`, 2)
  }
}

/** Reads a TCP port flag; a usage error unless it is an integer 0..65535. */
export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`invalid port "${value}": expected an integer from 0 to 65535`, 2)
  }
  return port
}
