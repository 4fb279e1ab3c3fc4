/**
 * `npm run demo:screenshot`: docs/demo.png, the README's picture of the demo page. Starts
 * `gripgate demo` on free ports, opens the page twice in the system's headless Chromium
 * (test/helpers/chromium.ts), changes an item on one page, publishes a news line as the curl
 * example does, exchanges two chat lines, and takes the second page.
 *   npm run demo:screenshot [-- --out=FILE]
 * @module
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { chromiumMissing, launchChromium } from '../test/helpers/chromium.ts'
import type { ServeProcess } from '../test/helpers/cli.ts'
import { DEMO_TEST_KEYS, startDemo } from '../test/helpers/demo.ts'

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: fileURLToPath(new URL('../docs/demo.png', import.meta.url)) },
  },
})
const WAIT = { timeout: 15_000 }

/** Opens the demo as a new visitor and waits until the menu, feed and chat are live. */
async function visit(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 860 },
    reducedMotion: 'reduce',
    colorScheme: 'light',
  })
  const page = await context.newPage()
  await page.goto(url)
  await page.waitForSelector('body[data-items="loaded"]', WAIT)
  await page.waitForSelector('#feed-state[data-state="live"]', WAIT)
  await page.waitForSelector('#chat-state[data-state="live"]', WAIT)
  return page
}

async function say(page: Page, name: string, text: string): Promise<void> {
  await page.fill('#chat-name', name)
  await page.fill('#chat-text', text)
  await page.press('#chat-text', 'Enter')
  await page.waitForFunction(
    (line) => document.querySelector('#chat-log li .text')?.textContent === line,
    text,
    WAIT
  )
}

async function main(): Promise<number> {
  const missing = chromiumMissing()
  if (missing) {
    console.error(`demo:screenshot: ${missing}`)
    return 1
  }
  let demo: ServeProcess | undefined
  let browser: Browser | undefined
  try {
    ;[demo, browser] = await Promise.all([startDemo(), launchChromium()])
    const first = await visit(browser, `${demo.url}/`)
    const second = await visit(browser, `${demo.url}/`)

    await first.selectOption('#change-id', '2')
    await first.fill('#change-name', 'Macchiato')
    await first.fill('#change-price', '4.20')
    await first.click('#change-form button[type="submit"]')
    await second.waitForFunction(
      () => document.querySelector('#item-2 .name')?.textContent === 'Macchiato',
      undefined,
      WAIT
    )
    const news = 'data: Fresh beans from the roaster today\n\n'
    const published = await fetch(`${demo.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_TEST_KEYS.GRIPGATE_PUBLISH_KEY}` },
      body: JSON.stringify({
        items: [{ channel: 'news', formats: { 'http-stream': { content: news } } }],
      }),
    })
    if (published.status !== 200) throw new Error(`news publish: ${published.status}`)
    await second.waitForFunction(
      () => document.querySelector('#feed')?.textContent?.includes('Fresh beans'),
      undefined,
      WAIT
    )
    await say(first, 'Ada', 'The macchiato is on the menu now.')
    await say(second, 'Bob', 'Got it here too, no reload needed.')
    await second.screenshot({ path: values.out, fullPage: true })
    console.log(`demo:screenshot: wrote ${values.out}`)
    return 0
  } finally {
    await browser?.close()
    await demo?.stop()
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`demo:screenshot: ${(error as Error).message}`)
  return 1
})
