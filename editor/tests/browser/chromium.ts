// The Chromium the browser tests drive: Debian's, never a downloaded one.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Says why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(chromiumPath) ? null : `there is no Chromium at ${chromiumPath}`
}

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Where screenshots and traces go (gitignored). */
export const artifacts = new URL('../../test-results/', import.meta.url).pathname
mkdirSync(artifacts, { recursive: true })

/** Starts Chromium with a fresh user-data dir; the token is in localStorage when asked, and so
 * are the language and theme the user picked (localStorage: the keys of src/i18n/locales.ts and
 * src/theme/theme.ts); locale is the browser's own language (navigator.languages). close stops
 * the browser and removes the dir. */
export async function launch(opts: {
  url: string
  token?: string
  locale?: string
  storage?: Record<string, string>
  colorScheme?: 'light' | 'dark'
}): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'))
  const context = await chromium.launchPersistentContext(dataDir, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport: { width: 1440, height: 900 },
    baseURL: opts.url,
    permissions: ['clipboard-read', 'clipboard-write'],
    locale: opts.locale ?? 'en-US',
    colorScheme: opts.colorScheme ?? 'light',
    // still pages: a ringing offer and the simulated path keep their look without redrawing
    // sixty times a second, which software rendering pays for on every test's page
    reducedMotion: 'reduce',
  })
  const storage = { ...opts.storage, ...(opts.token ? { 'switchboard.token': opts.token } : {}) }
  if (Object.keys(storage).length) {
    await context.addInitScript((kv) => {
      for (const [k, v] of Object.entries(kv)) localStorage.setItem(k, v)
    }, storage)
  }
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (e) => console.error('page error:', e.message))
  const close = async () => {
    await context.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { context, page, close }
}

/** Keeps a screenshot of the page in test-results/. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`) })
}
