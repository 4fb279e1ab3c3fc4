/**
 * Runs `bin/gripgate` as a user would: as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const BIN = join(import.meta.dirname, '../../bin/gripgate')

/** Writes `config` to a fresh temp file and returns its path. */
export async function writeTempConfig(
  config: unknown,
  name = 'gripgate.config.json'
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gripgate-'))
  const path = join(dir, name)
  await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2))
  return path
}

/** Runs the CLI to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {}
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** A `gripgate serve` (or `demo`) child process, resolved once it prints its URL. */
export interface ServeProcess {
  url: string
  child: ChildProcess
  output: () => string
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>
}

export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  return startListening('serve', ['--port', '0', ...args], env)
}

/**
 * Runs a command that listens (`serve`, `demo`) and resolves once it prints its URL, or
 * rejects after `startMs`.
 */
export function startListening(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  startMs = 15_000
): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, command, ...args], {
      env: { ...process.env, GRIPGATE_LOG: 'warn', ...env },
    })
    let output = ''
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    const timer = setTimeout(() => {
      // Nobody gets a handle on a child that did not start in time: stop it here, or it
      // outlives the test run (seen on a loaded machine: a serve left for half an hour).
      child.kill('SIGKILL')
      reject(new Error(`${command} did not start:\n${output}`))
    }, startMs)
    const onData = (chunk: Buffer) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({
          url: match[1]!,
          child,
          output: () => output,
          stop: () => {
            child.kill('SIGTERM')
            return exited
          },
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${command} exited with ${code}:\n${output}`))
    })
  })
}
