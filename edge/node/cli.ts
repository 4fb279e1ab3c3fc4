/**
 * The `gripgate` command line: dispatches to one module per command.
 * @module
 */
import { runCheck } from './commands/check.ts'
import { runDemo } from './commands/demo.ts'
import { listenProblem } from './commands/listen-error.ts'
import { CliError } from './commands/load-config.ts'
import { runPublish } from './commands/publish.ts'
import { runPurge } from './commands/purge.ts'
import { runServe } from './commands/serve.ts'
import { packageVersion } from './version.ts'

const USAGE = `Usage: gripgate <command> [options]

Commands:
  serve    run the gateway (see gripgate serve --help)
  check    validate a config file
  demo     run the demo origin and the gateway in front of it (npm start)
  publish  publish one item (and purge its keys) through a running gateway
  purge    purge cached content by surrogate key through a running gateway

Run gripgate <command> --help for a command's options; gripgate --version prints the version.`

type Command = (argv: string[], out: (line: string) => void) => Promise<number>

const COMMANDS: Record<string, Command> = {
  serve: runServe,
  check: runCheck,
  demo: runDemo,
  publish: runPublish,
  purge: runPurge,
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`)
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(USAGE)
    return name === undefined ? 2 : 0
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    out(packageVersion())
    return 0
  }
  const command = COMMANDS[name]
  if (!command) {
    process.stderr.write(`gripgate: unknown command "${name}"\n\n${USAGE}\n`)
    return 2
  }
  try {
    return await command(rest, out)
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`gripgate ${name}: ${error.message}\n`)
      return error.exitCode
    }
    const listen = listenProblem(error)
    if (listen) {
      process.stderr.write(`gripgate ${name}: ${listen}\n`)
      return 1
    }
    process.stderr.write(`gripgate ${name}: ${(error as Error).stack ?? String(error)}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
