// The web chat widget in Chromium against the real switchboard binary: a visitor's page carries
// the widget of the demo channel (which serve creates on a first start), the visitor talks to the
// example flow auto-close (a copy routing to a skill of this file's own, so that conversations
// other files leave waiting for the skill general do not fill Ana's seats), an agent types and
// answers through the agent API and the visitor sees the typing indicator, then the answer; a
// reload keeps the conversation; another visitor sees none of it; a page of an origin the channel
// does not allow is refused. The delivery latency of the agent's answer is printed, not asserted.

import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { switchboard } from './server.ts'
import type { BrowserContext, Page } from 'playwright-core'
import { launch, shot } from './chromium.ts'
import { call } from './api.ts'

const server = switchboard()
const channel = 'webchat-demo'
const flow = 'webchat-widget-test'
const skill = 'webchat-widget-test'

describe.skipIf(!server)('the web chat widget', () => {
  let pages: Server
  let allowed = '' // the visitor page's origin, which the channel allows
  let foreign = '' // the same page under another origin, which it does not
  let agent = { url: '', token: '' }
  let close: () => Promise<void>
  let context: BrowserContext
  let page: Page

  const widget = (p: Page) => p.locator(`[data-switchboard-webchat="${channel}"]`)
  const reply = (p: Page, text: string) => widget(p).locator('li.out', { hasText: text })
  const mine = (p: Page, text: string) => widget(p).locator('li.in', { hasText: text })

  // Ana's conversation on the web chat
  async function webchatConversation(): Promise<string> {
    const desk = await call<{ conversations: { conversation_id: string; channel_id: string }[] }>(agent, 'GET', '/agent')
    return desk.body.conversations.find((c) => c.channel_id === channel)?.conversation_id ?? ''
  }

  async function say(p: Page, text: string) {
    const box = widget(p).getByRole('textbox')
    await box.fill(text)
    await box.press('Enter')
    await expect.poll(() => mine(p, text).locator('.state').textContent()).toBe('Enviado')
  }

  beforeAll(async () => {
    // a visitor's site: one page, reachable as 127.0.0.1 (allowed) and as localhost (not)
    pages = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      res.end(`<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Acme</title>
<style>li { color: red !important; font-size: 40px } button { display: none !important }</style></head>
<body><h1>Acme shop</h1><script src="${server!.url}/widget.js" data-channel="${channel}" async></script></body></html>`)
    })
    await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r))
    const port = (pages.address() as AddressInfo).port
    allowed = `http://127.0.0.1:${port}`
    foreign = `http://localhost:${port}`

    const ch = await call<Record<string, unknown>>(server!, 'GET', `/channels/${channel}`)
    expect(ch.status, 'serve creates the demo web chat on a first start').toBe(200)
    const example = readFileSync(new URL('../../../examples/flows/auto-close.yaml', import.meta.url), 'utf8')
    const copy = example.replace(/^id: auto-close$/m, `id: ${flow}`).replace(/skill: general\b/g, `skill: ${skill}`)
    expect(copy, 'the example routes to the skill general').toContain(`skill: ${skill}`)
    expect((await call(server!, 'PUT', `/skills/${skill}`, { description: 'the web chat widget test' })).status).toBe(200)
    const imported = await call(server!, 'POST', '/flows/import', copy)
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)
    const draft = await call<{ revision: number }>(server!, 'GET', `/flows/${flow}`)
    const published = await call(server!, 'POST', `/flows/${flow}/publish`, { message: 'the widget test' }, { 'If-Match': `"${draft.body.revision}"` })
    expect(published.status, JSON.stringify(published.body)).toBeLessThan(300)

    const put = await call(server!, 'PUT', `/channels/${channel}`, {
      id: channel, type: 'webchat', name: ch.body.name, default_flow: flow, default_skill: skill,
      enabled: true, settings: { ...(ch.body.settings as object), allowed_origins: [allowed] },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)

    expect((await call(server!, 'PUT', '/agents/wc-ana', { name: 'Ana', skills: { [skill]: 10 }, capacity: 3 })).status).toBe(200)
    const token = await call<{ secret: string }>(server!, 'POST', '/tokens', { name: 'wc-ana', role: 'agent', agent: 'wc-ana' })
    expect(token.status).toBe(201)
    agent = { url: server!.url, token: token.body.secret }
    expect((await call(agent, 'POST', '/agent/login')).status).toBe(200)

    ;({ context, page, close } = await launch({ url: allowed }))
    page.setDefaultTimeout(30_000)
  })

  afterAll(async () => {
    await close?.()
    await new Promise((r) => pages?.close(r))
  })

  it('talks to the flow, in the page language, with the keyboard', async () => {
    await page.goto(allowed)
    const launcher = widget(page).getByRole('button', { name: 'Abrir el chat' })
    await launcher.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => launcher.getAttribute('aria-expanded')).toBe('true')
    const box = widget(page).getByRole('textbox', { name: 'Escribí un mensaje…' })
    await expect.poll(() => box.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true)
    await expect.poll(() => widget(page).getByRole('log').getAttribute('aria-live')).toBe('polite')
    // the channel's greeting, and the page's styles do not reach into the widget
    await expect.poll(() => widget(page).getByText('¡Hola! Escribinos y te respondemos.').isVisible()).toBe(true)
    await expect.poll(() => widget(page).locator('li').first().evaluate((el) => getComputedStyle(el).fontSize)).not.toBe('40px')

    await say(page, 'hola')
    await expect.poll(() => reply(page, '¿en qué te podemos ayudar?').isVisible()).toBe(true)
    await shot(page, 'webchat-flow')
  })

  it('shows an agent answer sent through the agent API', async () => {
    await say(page, 'quiero revisar mi factura')
    let conversation = ''
    await expect.poll(async () => {
      conversation = await webchatConversation()
      return conversation
    }, { message: 'the conversation is assigned to Ana' }).not.toBe('')

    // Ana types: the visitor sees it, in the page's language, announced politely
    const typing = widget(page).locator('.typing')
    // a typing state is not stored: a stream that is reconnecting misses it, and the widget hides
    // it after 6 s without another, so on a busy machine Ana keeps typing until the visitor sees it
    // (the server passes one typing event per conversation a second)
    await expect.poll(async () => {
      const t1 = await call(agent, 'POST', `/agent/conversations/${conversation}/typing`, { typing: true })
      expect(t1.status, JSON.stringify(t1.body)).toBe(204)
      return typing.isVisible()
    }).toBe(true)
    expect(await typing.textContent()).toBe('El agente está escribiendo…')
    expect(await typing.getAttribute('aria-live')).toBe('polite')
    await shot(page, 'webchat-typing')

    const text = 'Soy Ana, ya miro tu factura.'
    // the page notes when the answer appears; the difference is the stream's delivery latency
    const seen = page.evaluate((t) => new Promise<number>((resolve) => {
      const log = document.querySelector('[data-switchboard-webchat]')!.shadowRoot!.querySelector('ol')!
      const look = () => { if (log.textContent!.includes(t)) { resolve(Date.now()); return true } return false }
      if (!look()) new MutationObserver((_, o) => { if (look()) o.disconnect() }).observe(log, { childList: true, subtree: true, characterData: true })
    }), text)
    const sent = Date.now()
    const r = await call(agent, 'POST', `/agent/conversations/${conversation}/reply`, { text })
    expect(r.status, JSON.stringify(r.body)).toBe(202)
    const latency = (await seen) - sent
    console.log(`  web chat: agent reply POST to text in the widget: ${latency} ms`)
    await expect.poll(() => reply(page, text).isVisible()).toBe(true)
    await expect.poll(() => typing.isVisible(), { message: 'the reply hides the typing indicator' }).toBe(false)

    // the widget acknowledges it: the agent's transcript says delivered
    await expect.poll(async () => {
      const t = await call<{ interactions: { text: string; status: string }[] }>(agent, 'GET', `/agent/conversations/${conversation}`)
      return t.body.interactions.find((i) => i.text === text)?.status
    }).toBe('delivered')
    await shot(page, 'webchat-agent')
  })

  it('sends an image, which the agent can read', async () => {
    // a 1×1 PNG
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    await widget(page).locator('input[type=file]').setInputFiles({ name: 'factura.png', mimeType: 'image/png', buffer: png })
    const img = widget(page).locator('li.in img')
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1)
    const t = await call<{ interactions: { attachments: { type: string; url: string }[] }[] }>(agent, 'GET', `/agent/conversations/${await webchatConversation()}`)
    const url = t.body.interactions.flatMap((i) => i.attachments).find((a) => a.type === 'image')?.url ?? ''
    expect(url).toMatch(/^\/api\/v1\/webchat\/files\/f_/)
    const file = await fetch(server!.url + url, { headers: { Authorization: `Bearer ${agent.token}` } })
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer())).toEqual(png)
    expect((await fetch(server!.url + url)).status, 'not without a token').toBe(401)
  })

  it('keeps the conversation across a reload', async () => {
    await page.reload()
    await widget(page).getByRole('button', { name: 'Abrir el chat' }).click()
    for (const text of ['hola', 'quiero revisar mi factura']) await expect.poll(() => mine(page, text).isVisible()).toBe(true)
    await expect.poll(() => widget(page).locator('li.in img').evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1)
    await expect.poll(() => reply(page, 'Soy Ana, ya miro tu factura.').isVisible()).toBe(true)
    expect(await reply(page, 'Soy Ana, ya miro tu factura.').count(), 'each message once').toBe(1)
  })

  it('shows another visitor none of it', async () => {
    const other = await context.browser()!.newContext() // its own localStorage: another visitor
    try {
      const p = await other.newPage()
      await p.goto(allowed)
      await widget(p).getByRole('button', { name: 'Abrir el chat' }).click()
      await say(p, 'buenas')
      await expect.poll(() => reply(p, '¿en qué te podemos ayudar?').isVisible()).toBe(true)
      expect(await widget(p).getByText('factura').count()).toBe(0)
      // nor with a token of its own making
      const status = await p.evaluate(async ([base, ch]) => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('switchboard.webchat.'))!
        const token: string = JSON.parse(localStorage.getItem(key)!).token
        const forged = token.split('.').slice(0, 3).join('.') + '.AAAA'
        return (await fetch(`${base}/webchat/${ch}/messages?after=0`, { headers: { Authorization: `Bearer ${forged}` } })).status
      }, [server!.url, channel])
      expect(status).toBe(401)
    } finally {
      await other.close()
    }
  })

  it('is refused on a page of another origin', async () => {
    const p = await context.newPage()
    await p.goto(foreign)
    await widget(p).getByRole('button', { name: 'Abrir el chat' }).click()
    await expect.poll(() => widget(p).getByRole('status').textContent()).toContain('no podemos conectar')
    const outcome = await p.evaluate(async ([base, ch]) => {
      try {
        await fetch(`${base}/webchat/${ch}/session`, { method: 'POST' })
        return 'answered'
      } catch {
        return 'refused'
      }
    }, [server!.url, channel])
    expect(outcome, 'the browser keeps the answer from the page: no CORS headers').toBe('refused')
    await p.close()
  })
})
