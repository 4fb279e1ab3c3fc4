/**
 * Installs a packed gripgate into an empty project with no network: the project's lockfile is
 * derived from this repository's (the runtime dependencies of gripgate and everything they
 * need, at the versions and places this repository installs them), so `npm ci --offline`
 * takes every tarball from the npm cache that installing this repository filled.
 */
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'

interface LockEntry {
  version?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  [field: string]: unknown
}

interface Lockfile {
  packages: Record<string, LockEntry>
}

/** Where `name` resolves from the package at `from` (Node's walk up the node_modules). */
function resolveIn(packages: Lockfile['packages'], from: string, name: string): string | undefined {
  let at = from
  for (;;) {
    const candidate = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`
    if (packages[candidate]) return candidate
    if (at === '') return undefined
    const cut = at.lastIndexOf('/node_modules/')
    at = cut === -1 ? '' : at.slice(0, cut)
  }
}

/** The lock entries of `roots` and everything they depend on (not dev-only ones). */
export function runtimeClosure(
  lock: Lockfile,
  roots: readonly string[]
): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {}
  const visit = (from: string, name: string, optional: boolean) => {
    const at = resolveIn(lock.packages, from, name)
    if (!at) {
      if (optional) return
      throw new Error(`${name} (needed by ${from || 'gripgate'}) is not in package-lock.json`)
    }
    if (out[at]) return
    const entry = lock.packages[at]!
    out[at] = entry
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, false)
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, true)
    for (const dep of Object.keys(entry.peerDependencies ?? {}))
      visit(at, dep, entry.peerDependenciesMeta?.[dep]?.optional === true)
  }
  for (const name of roots) visit('', name, false)
  return out
}

/** Writes package.json and package-lock.json for a project depending on `tarball` (copied there). */
export async function writeConsumerProject(
  repo: string,
  dir: string,
  tarball: string
): Promise<void> {
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as LockEntry & {
    name: string
    bin?: Record<string, string>
    engines?: Record<string, string>
  }
  const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as Lockfile
  const spec = `file:${basename(tarball)}`
  const bytes = await readFile(tarball)
  await writeFile(join(dir, basename(tarball)), bytes)
  const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { gripgate: spec } },
    'node_modules/gripgate': {
      version: manifest.version,
      resolved: spec,
      integrity,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
    ...runtimeClosure(lock, Object.keys(manifest.dependencies ?? {})),
  }
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      version: '1.0.0',
      private: true,
      type: 'module',
      dependencies: { gripgate: spec },
    })
  )
  await writeFile(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      name: 'consumer',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages,
    })
  )
}
