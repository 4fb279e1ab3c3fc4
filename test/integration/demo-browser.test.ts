/**
 * The demo page in a real browser (issue #17): the system's headless Chromium, driven by
 * playwright-core, against `gripgate demo` as `npm start` runs it. Two pages (two browser
 * contexts, as two people): one changes an item, both show it at once, a reload shows it
 * (the cache was purged); a chat line from one page appears on the other. Every wait is on
 * a DOM condition. Skipped, saying why, where no Chromium is installed (.ci/run installs it).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumMissing, launchChromium } from '../helpers/chromium.ts'
import type { ServeProcess } from '../helpers/cli.ts'
import { startDemo } from '../helpers/demo.ts'

const missing = chromiumMissing()
if (missing) console.warn(`demo-browser.test.ts skipped: ${missing}`)

/** How long a DOM condition may take: generous, the machine is shared. */
const WAIT_MS = 15_000

/** Waits until `selector`'s text is `text`. */
function waitForText(page: Page, selector: string, text: string): Promise<unknown> {
  return page.waitForFunction(
    ([sel, want]) => document.querySelector(sel!)?.textContent === want,
    [selector, text],
    { timeout: WAIT_MS }
  )
}

/** The name, price, version and cache result the page shows for an item. */
function row(page: Page, id: string): Promise<string[]> {
  return page.$$eval(`#item-${id} > *`, (cells) => cells.map((cell) => cell.textContent ?? ''))
}

describe.skipIf(missing)(`demo page in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let demo: ServeProcess
  let browser: Browser
  let pageA: Page
  let pageB: Page
  const errors: string[] = []

  /** Opens the demo in a fresh context and waits until the menu, feed and chat are live. */
  async function openDemo(): Promise<Page> {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    await page.goto(`${demo.url}/`)
    await ready(page)
    return page
  }

  async function ready(page: Page): Promise<void> {
    await page.waitForSelector('body[data-items="loaded"]', { timeout: WAIT_MS })
    await page.waitForSelector('#feed-state[data-state="live"]', { timeout: WAIT_MS })
    await page.waitForSelector('#chat-state[data-state="live"]', { timeout: WAIT_MS })
  }

  beforeAll(async () => {
    ;[demo, browser] = await Promise.all([startDemo(), launchChromium()])
    pageA = await openDemo()
    pageB = await openDemo()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await demo?.stop()
  })

  it('shows the menu through the cache: MISS for the first page, HIT for the second', async () => {
    for (const id of ['1', '2', '3']) {
      expect((await row(pageA, id))[3]).toBe('MISS')
      expect((await row(pageB, id))[3]).toBe('HIT')
    }
    expect(await row(pageB, '1')).toEqual(['Espresso', '2.50', 'v1', 'HIT'])
  })

  it('a change on one page shows on both at once, and after a reload', async () => {
    await pageA.selectOption('#change-id', '2')
    await pageA.fill('#change-name', 'Macchiato')
    await pageA.fill('#change-price', '4.20')
    await pageA.click('#change-form button[type="submit"]')
    await pageA.waitForSelector('#change-status[data-state="done"]', { timeout: WAIT_MS })
    expect(await pageA.textContent('#change-status')).toContain('published to item-2')
    for (const page of [pageA, pageB]) {
      await waitForText(page, '#item-2 .name', 'Macchiato')
      expect(await row(page, '2')).toEqual(['Macchiato', '4.20', 'v2', 'PUSHED'])
      expect(await page.textContent('#feed')).toContain('Macchiato now 4.20 (v2)')
    }
    // The reload pulls again: item 2 was purged (MISS, new content), item 1 was not (HIT).
    await pageB.reload()
    await ready(pageB)
    expect(await row(pageB, '2')).toEqual(['Macchiato', '4.20', 'v2', 'MISS'])
    expect((await row(pageB, '1'))[3]).toBe('HIT')
  })

  it('a chat line from one page appears on the other', async () => {
    await pageA.fill('#chat-name', 'Ada')
    await pageA.fill('#chat-text', 'hello from page A')
    await pageA.press('#chat-text', 'Enter')
    for (const page of [pageB, pageA]) {
      await page.waitForFunction(
        () => document.querySelector('#chat-log li')?.textContent?.includes('hello from page A'),
        undefined,
        { timeout: WAIT_MS }
      )
      expect(await page.textContent('#chat-log li .who')).toBe('Ada')
    }
    expect(await pageA.inputValue('#chat-text')).toBe('')
  })

  it('logs no script errors', () => {
    expect(errors).toEqual([])
  })
})
