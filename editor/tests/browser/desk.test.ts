// The agent desk and the supervisor view in Chromium against the real binary: a Facebook page
// channel that rings offers, its Graph API the fake of channels/fakenet (run by fakegraph/), two
// agents (Ana, Ben) and a supervisor, each in a browser of their own. A customer's comment rings
// for Ana, who rejects it; it rings for Ben, who accepts; Ben answers the comment publicly, then
// privately with a canned response (the customer's name filled) and an attachment,
// transfers the conversation to Ana, who closes it with a disposition. The supervisor sees each
// state change live; the supervisor reassigns a waiting customer; an offer that rings out
// pauses the agent, whose desk says why. Ben works in the dark theme,
// and his conversation view has no serious accessibility violation. No fixed waits: every step waits for what the page shows.

import { spawn, type ChildProcess } from 'node:child_process'
import axe from 'axe-core'
import { createHmac } from 'node:crypto'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launch, shot } from './chromium.ts'
import { call } from './api.ts'

const server = inject('switchboard')
const repoDir = new URL('../../../', import.meta.url).pathname

const appSecret = 'switchboard-test-app-secret'
const pageId = '104857600000001' // fakenet.PageID
const channel = 'desk-page'
const skill = 'desk-care'
const flow = 'desk-flow'

const flowSource = `switchboard: 1
id: ${flow}
name: Desk test
blocks:
  fb:
    type: facebook.trigger
    params: {events: [post, comment, message]}
    next: {post: route, comment: route, message: route}
  route:
    type: route.skill
    params: {skill: ${skill}, timeout: 30m, queue_without_agents: true}
    next: {done: end}
  end:
    type: end
`

/** The fake Graph API: its base URL for the channel, and what it accepted. */
async function startFakeGraph(): Promise<{
  proc: ChildProcess
  graph: string
  sent: () => Promise<{ Kind: string; Parent: string; Text: string }[]>
  requests: () => Promise<unknown[]>
}> {
  const proc = spawn('go', ['run', './editor/tests/browser/fakegraph'], { cwd: repoDir, stdio: ['pipe', 'pipe', 'inherit'] })
  const first = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`fakegraph exited with ${code}`)))
    createInterface({ input: proc.stdout! }).once('line', resolve)
  })
  const urls = JSON.parse(first) as { graph: string; sent: string; requests: string }
  const read = async (url: string) => ((await (await fetch(url)).json()) as []) ?? []
  return { proc, graph: urls.graph, sent: () => read(urls.sent), requests: () => read(urls.requests) }
}

/** A new comment on the page's post. */
async function comment(id: string, from: { id: string; name: string }, text: string): Promise<void> {
  await webhook({
    object: 'page',
    entry: [{ id: pageId, time: Math.floor(Date.now() / 1000), changes: [{ field: 'feed', value: {
      item: 'comment', verb: 'add', post_id: `${pageId}_900200`, comment_id: id, parent_id: `${pageId}_900200`, from, message: text, created_time: Math.floor(Date.now() / 1000),
    } }] }],
  })
}

/** Posts a Graph webhook to the channel, signed with its app secret as Meta signs it. */
async function webhook(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload)
  const sig = 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex')
  const res = await fetch(`${server!.url}/webhooks/facebook/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sig }, body })
  expect(res.status, await res.text()).toBeLessThan(300)
}

/** The serious or critical axe-core violations of the page. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source })
  return page.evaluate(async () => {
    const r = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] })
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)
  })
}

/** A Messenger message from a customer to the page, signed. */
async function message(from: string, text: string): Promise<void> {
  const now = Date.now()
  await webhook({ object: 'page', entry: [{ id: pageId, time: now, messaging: [{ sender: { id: from }, recipient: { id: pageId }, timestamp: now, message: { mid: `m_desk_${now}`, text } }] }] })
}

describe.skipIf(!server)('the agent desk and the supervisor view', () => {
  let fake: Awaited<ReturnType<typeof startFakeGraph>>
  let close: () => Promise<void>
  let browser: Browser
  const contexts: BrowserContext[] = []
  let supervisor: Page
  const agents: Record<'ana' | 'ben', { token: string; page: Page }> = {} as never

  async function agentPage(token: string, colorScheme: 'light' | 'dark'): Promise<Page> {
    const ctx = await browser.newContext({ baseURL: server!.url, viewport: { width: 1440, height: 900 }, colorScheme })
    await ctx.addInitScript((t) => localStorage.setItem('switchboard.token', t), token)
    contexts.push(ctx)
    const p = await ctx.newPage()
    p.setDefaultTimeout(30_000)
    p.on('pageerror', (e) => console.error('page error:', e.message))
    return p
  }

  const stateOf = (id: string) => supervisor.locator(`.agent-board tr[data-agent="${id}"]`).getAttribute('data-state')

  beforeAll(async () => {
    fake = await startFakeGraph()
    const ok = async (r: Promise<{ status: number; body: unknown }>, status: number) => {
      const res = await r
      expect(res.status, JSON.stringify(res.body)).toBe(status)
    }
    await ok(call(server!, 'PUT', `/skills/${skill}`, { description: 'Desk test', dispositions: ['solved', 'no_answer'] }), 200)
    await ok(call(server!, 'POST', '/flows/import', flowSource), 201)
    const f = await call<{ revision: number }>(server!, 'GET', `/flows/${flow}`)
    await ok(call(server!, 'POST', `/flows/${flow}/publish`, { message: 'desk' }, { 'If-Match': `"${f.body.revision}"` }), 201)
    const ch = await call(server!, 'POST', '/channels', {
      id: channel, type: 'facebook', name: 'Desk page', default_flow: flow, default_skill: skill, enabled: true,
      credentials: { app_secret: appSecret, page_access_token: 'test-page-access-token', verify_token: 'switchboard-verify' },
      settings: { base_url: fake.graph, account_id: pageId, offer_mode: 'ring', ring_timeout: '120s' },
    })
    expect(ch.status, JSON.stringify(ch.body)).toBe(201)
    for (const [id, name, level] of [['desk-ana', 'Ana Prieto', 20], ['desk-ben', 'Ben Ortiz', 10]] as const) {
      await ok(call(server!, 'PUT', `/agents/${id}`, { name, skills: { [skill]: level }, capacity: 2 }), 200)
    }

    let context: BrowserContext
    ;({ context, page: supervisor, close } = await launch({ url: server!.url, token: server!.token }))
    supervisor.setDefaultTimeout(30_000)
    browser = context.browser()!
    for (const [key, id] of [['ana', 'desk-ana'], ['ben', 'desk-ben']] as const) {
      const tok = await call<{ secret: string }>(server!, 'POST', '/tokens', { name: id, role: 'agent', agent: id })
      expect(tok.status).toBe(201)
      agents[key] = { token: tok.body.secret, page: await agentPage(tok.body.secret, key === 'ben' ? 'dark' : 'light') }
    }
  })

  afterAll(async () => {
    for (const c of contexts) await c.close()
    await close?.()
    fake?.proc.stdin?.end()
  })

  it('rings, answers in public and in private, transfers and closes, and the supervisor sees it live', async () => {
    const { ana, ben } = agents
    // the canned response, written on its admin page for the skill
    await supervisor.goto('/canned')
    const form = supervisor.locator('.canned-form')
    await form.getByLabel('Title').fill('Thanks')
    await form.getByLabel('Shortcut').fill('thanks')
    await form.getByLabel('Text').fill('Gracias {{ contact.name }}, lo revisamos.')
    await form.getByLabel('Skill').selectOption(skill)
    await form.getByRole('button', { name: 'Create' }).click()
    await supervisor.locator('tr[data-canned="thanks"]', { hasText: skill }).waitFor()

    await supervisor.goto('/supervisor')
    await supervisor.locator('.live[data-live="live"]').waitFor()

    // the agents open the desk and make themselves available: the supervisor sees it
    for (const [a, id] of [[ana, 'desk-ana'], [ben, 'desk-ben']] as const) {
      await a.page.goto('/')
      await a.page.waitForURL('**/desk')
      await a.page.locator('.desk[data-live="live"]').waitFor()
      await a.page.getByTestId('agent-state').selectOption('available')
      await expect.poll(() => stateOf(id), { message: `${id} available on the supervisor view` }).toBe('available')
    }
    await ana.page.getByTestId('agent-state').selectOption('break:coffee')
    await expect.poll(() => stateOf('desk-ana')).toBe('break')
    await ana.page.getByTestId('agent-state').selectOption('available')
    await expect.poll(() => stateOf('desk-ana')).toBe('available')

    // a comment rings for Ana (the higher proficiency), with a countdown; she rejects it
    await comment('900200_777001', { id: '7101', name: 'Lucía Gómez' }, 'Mi pedido no llegó, ¿me ayudan?')
    const anaOffer = ana.page.locator('.offer')
    await anaOffer.waitFor()
    expect(await anaOffer.getByTestId('countdown').textContent()).toMatch(/\d+ seconds? left/)
    await expect.poll(() => ana.page.evaluate(() => Number(document.documentElement.dataset.rings ?? 0))).toBeGreaterThan(0)
    await shot(ana.page, 'desk-offer')
    await anaOffer.getByRole('button', { name: 'Reject' }).click()
    await anaOffer.waitFor({ state: 'detached' })

    // it rings for Ben, who accepts: it opens in his workspace
    const benOffer = ben.page.locator('.offer')
    await benOffer.waitFor()
    await benOffer.getByRole('button', { name: 'Accept' }).click()
    const conv = ben.page.locator('section.conversation[data-conversation]')
    await conv.waitFor()
    await conv.locator('.msg.in', { hasText: 'Mi pedido no llegó' }).waitFor()
    await expect.poll(() => supervisor.locator('.agent-board tr[data-agent="desk-ben"] td').nth(4).textContent()).toMatch(/^1/)

    // a public reply to the comment, through the fake Graph
    const box = ben.page.getByLabel('Your reply')
    await ben.page.getByLabel('public').check()
    await box.fill('Hola Lucía, ya lo miramos.')
    await ben.page.getByRole('button', { name: 'Reply publicly' }).click()
    await conv.locator('.msg.out.public', { hasText: 'ya lo miramos' }).waitFor()
    await expect.poll(async () => (await fake.sent()).some((s) => s.Kind === 'comment' && s.Text === 'Hola Lucía, ya lo miramos.')).toBe(true)

    // then the private reply to that comment, from the comment's own button, once
    await conv.locator('.msg.in', { hasText: 'Mi pedido no llegó' }).getByRole('button', { name: 'Reply privately' }).click()
    await ben.page.getByTestId('reply-to').waitFor()
    // a canned response from the reply box: / at the start, then Enter inserts it with the name filled
    await box.fill('/thanks')
    await ben.page.locator('#canned-list [role=option]', { hasText: 'Thanks' }).waitFor()
    await box.press('Enter')
    await expect.poll(() => box.inputValue()).toBe('Gracias Lucía Gómez, lo revisamos.')
    await ben.page.getByRole('button', { name: 'Send private reply' }).click()
    await conv.locator('.msg.out.private', { hasText: 'lo revisamos' }).waitFor()
    await expect.poll(async () => (await fake.sent()).some((s) => s.Kind === 'message' && s.Text.includes('lo revisamos'))).toBe(true)
    await expect.poll(() => conv.locator('.msg.in', { hasText: 'Mi pedido no llegó' }).getByRole('button', { name: 'Private reply sent' }).isDisabled()).toBe(true)

    // the customer answers in Messenger: it shows at once; Ben sends a file back, uploaded first
    // and sent with his private message through the fake Graph
    await message('7101', '¿Me mandan la guía de envío?')
    await conv.locator('.msg.in.private', { hasText: 'la guía de envío' }).waitFor()
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    await ben.page.locator('.reply-box input[type=file]').setInputFiles({ name: 'guia.png', mimeType: 'image/png', buffer: png })
    await ben.page.locator('.reply-box .files li', { hasText: 'guia.png' }).waitFor()
    await ben.page.getByLabel('private').check()
    await box.fill('Acá está.')
    await ben.page.getByRole('button', { name: 'Send privately' }).click()
    await conv.locator('.msg.out.private', { hasText: 'Acá está.' }).waitFor()
    await expect.poll(async () => JSON.stringify(await fake.requests()), { message: 'the attachment reached the fake Graph' }).toMatch(/\/files\/f_[^"]*sig=/)

    await shot(ben.page, 'readme-desk')
    expect(await seriousViolations(ben.page), 'the conversation view in the dark theme').toEqual([])

    // Ben transfers it to Ana: it rings for her, she accepts, and closes it with a disposition
    await conv.locator('.transfer select').selectOption('agent')
    await conv.locator('.transfer input').fill('desk-ana')
    await conv.getByRole('button', { name: 'Transfer conversation' }).click()
    await ben.page.locator('section.conversation.empty').waitFor()
    await ana.page.locator('.offer').getByRole('button', { name: 'Accept' }).click()
    const anaConv = ana.page.locator('section.conversation[data-conversation]')
    await anaConv.locator('.msg.out', { hasText: 'lo revisamos' }).waitFor()
    await anaConv.getByTestId('disposition').selectOption('solved')
    await anaConv.getByRole('button', { name: 'Close conversation' }).click()
    await ana.page.locator('section.conversation.empty').waitFor()
    await expect.poll(() => supervisor.locator('.agent-board tr[data-agent="desk-ana"] td').nth(5).textContent()).toBe('1')

    // the supervisor puts Ben on a break: his desk shows it live
    await supervisor.getByLabel('Change the state of Ben Ortiz').selectOption('break:meeting')
    await expect.poll(() => ben.page.getByTestId('agent-state').inputValue()).toBe('break:meeting')
    await supervisor.getByLabel('Change the state of Ana Prieto').selectOption('break:lunch')
    await expect.poll(() => ana.page.getByTestId('agent-state').inputValue()).toBe('break:lunch')

    // with nobody available, a new customer waits; the supervisor hands them to Ana, whose desk rings
    await comment('900200_777002', { id: '7102', name: 'Pedro Díaz' }, '¿Hacen envíos al sur?')
    const waiting = supervisor.locator('.waiting-list tr', { hasText: 'Pedro Díaz' })
    await waiting.waitFor()
    await shot(supervisor, 'desk-supervisor')
    await waiting.getByLabel('Reassign to an agent').selectOption('desk-ana')
    await ana.page.locator('.offer', { hasText: 'Pedro Díaz' }).waitFor()
    await expect.poll(() => waiting.textContent()).toContain('ringing for Ana Prieto')

    // Ana accepts it from her break; after a reload, nothing open, she opens it with the keyboard
    await ana.page.locator('.offer', { hasText: 'Pedro Díaz' }).getByRole('button', { name: 'Accept' }).click()
    await ana.page.locator('section.conversation[data-conversation]').waitFor()
    await ana.page.reload()
    await ana.page.locator('section.conversation.empty').waitFor()
    await ana.page.locator('.inbox [role=option]', { hasText: 'Pedro Díaz' }).waitFor()
    await ana.page.locator('.inbox [role=listbox]').focus()
    await ana.page.keyboard.press('j')
    await ana.page.keyboard.press('Enter')
    await ana.page.locator('.inbox [role=option][aria-selected=true]', { hasText: 'Pedro Díaz' }).waitFor()
    await anaConv.locator('.msg.in', { hasText: 'envíos al sur' }).waitFor()

    // offers now ring for 2 s and pause whoever lets one ring out: Ben, back from his break,
    // misses one and his desk says why he is on a break
    const put = await call(server!, 'PUT', `/channels/${channel}`, { settings: { base_url: fake.graph, account_id: pageId, offer_mode: 'ring', ring_timeout: '2s', pause_on_missed_offer: true } })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    await supervisor.getByLabel('Change the state of Ben Ortiz').selectOption('available')
    await expect.poll(() => ben.page.getByTestId('agent-state').inputValue()).toBe('available')
    await comment('900200_777003', { id: '7103', name: 'Rosa Vidal' }, '¿Tienen talle M?')
    await ben.page.locator('.offer', { hasText: 'Rosa Vidal' }).waitFor()
    await ben.page.getByTestId('notice-missed').waitFor()
    await ben.page.getByTestId('paused').waitFor()
    await expect.poll(() => stateOf('desk-ben')).toBe('break')
  })
})
