// The interface in Spanish, Italian and French, and in light and dark: every main page opened in
// each language shows no text of the English catalogue left untranslated; the language follows
// the browser, changes from the menu and is remembered; every page in both themes has no serious
// or critical axe-core violation; the YAML view lets the keyboard out. Each test starts its own
// browser with its own storage, so none depends on another.

import axe from 'axe-core'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { switchboard } from './server.ts'
import type { Page } from 'playwright-core'
import { launch, shot } from './chromium.ts'
import { call } from './api.ts'
import { untranslatedOn } from './untranslated.ts'

const server = switchboard()
const flowId = 'facebook-care'

/** Opens a path of the application: loaded the first time, then by the application's own
 * navigation, as a click on its menu does (a page load each time would compile the whole
 * application again, for every page of every pass). */
async function visit(p: Page, path: string): Promise<void> {
  const loaded = await p.evaluate(() => document.querySelector('#root > *') !== null).catch(() => false)
  if (!loaded) {
    await p.goto(path)
    return
  }
  await p.evaluate((to) => {
    history.pushState(null, '', to)
    dispatchEvent(new PopStateEvent('popstate'))
  }, path)
}

/** The main pages, each opened and waited for; the flow editor once per tab. */
const pages: { name: string; open: (page: Page) => Promise<void> }[] = [
  { name: 'flows', open: async (p) => void (await visit(p, '/'), await p.locator('tr[data-flow="facebook-care"]').waitFor()) },
  {
    name: 'channels',
    open: async (p) => {
      await visit(p, '/channels')
      await p.locator('tr[data-channel="i18n-chat"]').waitFor()
      await p.locator('tr[data-channel="i18n-chat"] button[aria-expanded]').click()
      await p.locator('.settings-form').waitFor()
    },
  },
  { name: 'emergency', open: async (p) => void (await visit(p, '/emergency'), await p.locator('li[data-switch]').first().waitFor()) },
  { name: 'skills', open: async (p) => void (await visit(p, '/skills'), await p.locator('tr[data-skill]').first().waitFor()) },
  { name: 'agents', open: async (p) => void (await visit(p, '/agents'), await p.locator('tr[data-agent]').first().waitFor()) },
  { name: 'supervisor', open: async (p) => void (await visit(p, '/supervisor'), await p.locator('.live[data-live="live"]').waitFor(), await p.locator('.agent-board tr[data-agent]').first().waitFor()) },
  { name: 'canned', open: async (p) => void (await visit(p, '/canned'), await p.locator('.canned-form').waitFor()) },
  ...(['inspector', 'yaml', 'simulate', 'versions'] as const).map((tab, i) => ({
    name: `editor-${tab}`,
    open: async (p: Page) => {
      await visit(p, `/flows/${flowId}`)
      await p.locator('.react-flow__node').first().waitFor()
      await p.locator('.problems').waitFor()
      if (tab === 'inspector') {
        // a block with a form of many widgets
        await p.locator('.react-flow__node[data-id="hours"]').click()
        await p.locator('.inspector[data-block="hours"]').waitFor()
      } else {
        await p.getByRole('tab').nth(i).click()
        await p.locator({ yaml: '.yaml-view', simulate: '.sim-form', versions: '.version-list' }[tab]).waitFor()
      }
    },
  })),
]

/** The agent desk, opened with an agent's token, with a web chat conversation open. */
const deskPage = {
  name: 'desk',
  open: async (p: Page) => {
    await p.goto('/desk')
    await p.locator('.desk[data-live="live"] .state-switch').waitFor()
    await p.locator('.inbox [role=option]').first().click()
    await p.locator('.conversation .reply-box').waitFor()
    await p.locator('.conversation .msg.in').first().waitFor()
  },
}

/** A web chat whose visitors wait for the skill i18n-billing. */
const deskFlow = `switchboard: 1
id: i18n-desk
name: i18n desk queue
blocks:
  chat:
    type: webchat.trigger
    next: {message: route}
  route:
    type: route.skill
    params: {skill: i18n-billing, timeout: 1h, queue_without_agents: true}
`

describe.skipIf(!server)('languages and themes', () => {
  let agentToken = ''

  beforeAll(async () => {
    // something on every page: a channel, a switch, a skill, an agent, a published version
    await call(server!, 'POST', '/channels', { id: 'i18n-chat', type: 'webchat', name: 'Chat' })
    await call(server!, 'PUT', '/emergency/i18n-outage', { on: false })
    await call(server!, 'PUT', '/skills/i18n-billing', { description: 'Invoices' })
    await call(server!, 'PUT', '/agents/i18n-ana', { name: 'Ana', skills: { 'i18n-billing': 10 }, capacity: 2 })
    agentToken = (await call<{ secret: string }>(server!, 'POST', '/tokens', { name: 'i18n-ana', role: 'agent', agent: 'i18n-ana' })).body.secret
    // a conversation on Ana's desk: a visitor of a web chat that routes to her skill
    expect((await call(server!, 'PUT', '/agents/i18n-ana/state', { state: 'available' })).status).toBe(200)
    expect((await call(server!, 'POST', '/flows/import?publish=true', deskFlow)).status).toBe(201)
    expect((await call(server!, 'POST', '/channels', { id: 'i18n-desk-chat', type: 'webchat', name: 'Desk chat', default_flow: 'i18n-desk', default_skill: 'i18n-billing' })).status).toBe(201)
    const res = await fetch(`${server!.url}/webhooks/webchat/i18n-desk-chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'i18n-desk-1', text: 'factura', author: { id: 'i18n-visitor', name: 'Visitor' } }),
    })
    expect(res.status).toBeLessThan(300)
    const draft = await call<{ revision: number }>(server!, 'GET', `/flows/${flowId}`)
    await call(server!, 'POST', `/flows/${flowId}/publish`, { message: 'i18n' }, { 'If-Match': `"${draft.body.revision}"` })
  })

  for (const locale of ['es', 'it', 'fr'] as const) {
    it(`shows every main page in ${locale} with no English text of the catalogue`, async () => {
      const { page, close } = await launch({ url: server!.url, token: server!.token, storage: { 'switchboard.locale': locale } })
      try {
        const found: string[] = []
        const check = async (name: string) => found.push(...(await untranslatedOn(page, locale)).map((s) => `${name}: ${s}`))
        for (const p of pages) {
          await p.open(page)
          expect(await page.locator('html').getAttribute('lang')).toBe(locale)
          await check(p.name)
          await shot(page, `i18n-${locale}-${p.name}`)
        }
        // the agent's desk, with the agent's token
        await page.addInitScript((t) => localStorage.setItem('switchboard.token', t), agentToken)
        await deskPage.open(page)
        await check('desk')
        await shot(page, `i18n-${locale}-desk`)
        // the sign-in page: init scripts run in turn at each load, so this one takes the token
        // away again before the application reads it
        await page.addInitScript(() => localStorage.removeItem('switchboard.token'))
        await page.goto('/')
        await page.locator('.login form').waitFor()
        await check('login')
        expect(found, `English texts on the ${locale} pages`).toEqual([])
      } finally {
        await close()
      }
    }, 600_000)
  }

  it('starts in the browser’s language, changes from the menu and remembers it', async () => {
    const { page, close } = await launch({ url: server!.url, token: server!.token, locale: 'fr-CA' })
    try {
      await page.goto('/')
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr')
      await page.getByRole('link', { name: 'Flux', exact: true }).waitFor()
      await page.getByTestId('language').selectOption('it')
      await page.getByRole('link', { name: 'Flussi', exact: true }).waitFor()
      expect(await page.locator('html').getAttribute('lang')).toBe('it')
      await page.reload()
      await page.getByRole('link', { name: 'Flussi', exact: true }).waitFor()
      expect(await page.evaluate(() => localStorage.getItem('switchboard.locale'))).toBe('it')
    } finally {
      await close()
    }
  })

  it('falls back to English for a browser language the interface does not speak', async () => {
    const { page, close } = await launch({ url: server!.url, token: server!.token, locale: 'de-DE' })
    try {
      await page.goto('/')
      await page.getByRole('link', { name: 'Flows', exact: true }).waitFor()
      expect(await page.locator('html').getAttribute('lang')).toBe('en')
    } finally {
      await close()
    }
  })

  it('follows the system theme until one is chosen, and remembers the choice', async () => {
    const { page, close } = await launch({ url: server!.url, token: server!.token, colorScheme: 'dark' })
    try {
      await page.goto('/')
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
      await page.emulateMedia({ colorScheme: 'light' })
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light')
      await page.getByTestId('theme').selectOption('dark')
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
      await page.reload()
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
      expect(await page.getByTestId('theme').inputValue()).toBe('dark')
    } finally {
      await close()
    }
  })

  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious accessibility violation on any page in the ${theme} theme`, async () => {
      const { page, close } = await launch({ url: server!.url, token: server!.token, storage: { 'switchboard.theme': theme } })
      try {
        const found: string[] = []
        const check = async (name: string) => {
          expect(await page.locator('html').getAttribute('data-theme')).toBe(theme)
          if (await page.evaluate(() => !('axe' in window))) await page.addScriptTag({ content: axe.source })
          const violations = await page.evaluate(async () => {
            const w = window as unknown as { axe: typeof axe }
            const r = await w.axe.run(document, { resultTypes: ['violations'] })
            return r.violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`).join(' | ')}`)
          })
          for (const v of violations) found.push(`${name}: ${v}`)
        }
        for (const p of pages) {
          await p.open(page)
          await check(p.name)
          await shot(page, `theme-${theme}-${p.name}`)
        }
        // the agent's desk, with the agent's token
        await page.addInitScript((t) => localStorage.setItem('switchboard.token', t), agentToken)
        await deskPage.open(page)
        await check('desk')
        await shot(page, `theme-${theme}-desk`)
        // the sign-in page: the token is removed after the first navigation, which set it
        await page.evaluate(() => localStorage.removeItem('switchboard.token'))
        await page.addInitScript(() => localStorage.removeItem('switchboard.token'))
        await page.goto('/')
        await page.locator('.login form').waitFor()
        await check('login')
        expect(found, `serious or critical axe violations in the ${theme} theme`).toEqual([])
      } finally {
        await close()
      }
    }, 600_000)
  }

  it('lets the keyboard out of the YAML view: Escape then Tab, or Shift+Tab', async () => {
    const { page, close } = await launch({ url: server!.url, token: server!.token })
    try {
      await page.goto(`/flows/${flowId}`)
      await page.getByRole('tab', { name: 'YAML' }).click()
      const yaml = page.getByLabel('Flow YAML')
      await yaml.click()
      const before = await yaml.inputValue()
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName)
      // Tab alone indents, as in any editor
      await page.keyboard.press('Tab')
      expect(await focused()).toBe('Flow YAML')
      await expect.poll(() => yaml.inputValue()).not.toBe(before)
      // Escape, then Tab, moves on
      await page.keyboard.press('Escape')
      await page.keyboard.press('Tab')
      await expect.poll(focused).not.toBe('Flow YAML')
      // back in, Shift+Tab leaves backwards
      await yaml.click()
      await page.keyboard.press('Shift+Tab')
      await expect.poll(focused).not.toBe('Flow YAML')
    } finally {
      await close()
    }
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(`failed: ${ctx.task.name}`)
  })
})
