/**
 * A real browser for the demo page: the system's Chromium (Debian package `chromium`) driven
 * by playwright-core, which never downloads a browser of its own. Used by the browser tests
 * and by `npm run demo:screenshot`.
 * @module
 */
import { accessSync, constants } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { findExecutable } from './pushpin.ts'

/** Where Chromium is looked for, after `$CHROMIUM_PATH`: on the PATH under these names. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']

/** The Chromium executable, or undefined when none is installed (or `$CHROMIUM_PATH` is not one). */
export function findChromium(): string | undefined {
  const given = process.env.CHROMIUM_PATH
  if (given) return isExecutable(given) ? given : undefined
  for (const name of NAMES) {
    const path = findExecutable(name)
    if (path) return path
  }
  return undefined
}

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (findChromium()) return undefined
  const given = process.env.CHROMIUM_PATH
  if (given) return `CHROMIUM_PATH=${given} is not an executable`
  return 'no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)'
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Flags that keep a headless Chromium quiet and offline: no GPU, no QUIC, no first-run
 * pages, no update, sync or other background traffic. Playwright adds `--headless`,
 * `--no-sandbox` (its `chromiumSandbox` is off by default) and a new, empty
 * `--user-data-dir` of its own for every launch (removed on close).
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches the system Chromium headless; throws when none is installed. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(chromiumMissing())
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 })
}
