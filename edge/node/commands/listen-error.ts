/**
 * One line for a listen that failed (a busy port, a privileged port, an address that is not
 * this machine's), instead of a stack trace.
 * @module
 */

/** The line to print for `error` if it is a listen failure, else undefined. */
export function listenProblem(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, address, port } = error as { code?: unknown; address?: unknown; port?: unknown }
  if (typeof code !== 'string' || (typeof port !== 'number' && typeof address !== 'string'))
    return undefined
  const where = typeof port === 'number' ? `${String(address ?? '')}:${port}` : String(address)
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is in use (EADDRINUSE); stop what listens there or choose another port with --port`
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges, choose another with --port`
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: not an address of this machine (EADDRNOTAVAIL); check --host`
    default:
      return undefined
  }
}
