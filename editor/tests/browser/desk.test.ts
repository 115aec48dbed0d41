// The agent desk and the supervisor view in Chromium against the real binary: a Facebook page
// channel that rings offers, its Graph API the fake of channels/fakenet (run by fakegraph/), two
// agents (Ana, Ben) and a supervisor, each in a browser of their own. A customer's comment rings
// for Ana, who rejects it; it rings for Ben, who accepts; Ben answers the comment publicly, then
// privately with a canned response (the customer's name filled) and an attachment,
// transfers the conversation to Ana, who closes it with a disposition. The supervisor sees each
// state change live; the supervisor reassigns a waiting customer; an offer that rings out
// pauses the agent, whose desk says why. Ben works in the dark theme,
// and his conversation view has no serious accessibility violation. The flow likes every
// comment, and the transcript shows it.
//
// Then, with the same server, agents and fake Graph, each test on a customer of its own whom
// Ben takes at once: the break reasons an admin writes; the channel's targets on the supervisor
// view; Ctrl+Space, emoji, like, hide and a photo comment; a closed messaging window; the Retry
// of a send Graph refused once; a desk whose event stream drops and catches up without
// duplicates; the desk in Spanish, Italian and French with no English left. No fixed waits:
// every step waits for what the page shows.

import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import axe from 'axe-core'
import { createHmac } from 'node:crypto'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { switchboard } from './server.ts'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { launch, shot } from './chromium.ts'
import { call } from './api.ts'
import { untranslatedOn } from './untranslated.ts'

const server = switchboard()
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
    next: {post: route, comment: like, message: route}
  like:
    type: social.like
    params: {action: like}
    next: {done: route, failed: route}
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
  sent: () => Promise<{ Kind: string; Parent: string; Text: string; Attachment?: string }[]>
  requests: () => Promise<{ Method: string; Path: string; Body: Record<string, unknown> | null }[]>
  /** The next times requests answer Graph's error of that code. */
  failNext: (code: number, times: number) => Promise<void>
}> {
  const proc = spawn('go', ['run', './editor/tests/browser/fakegraph'], { cwd: repoDir, stdio: ['pipe', 'pipe', 'inherit'] })
  const first = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`fakegraph exited with ${code}`)))
    createInterface({ input: proc.stdout! }).once('line', resolve)
  })
  const urls = JSON.parse(first) as { graph: string; sent: string; requests: string; fail: string }
  const read = async (url: string) => ((await (await fetch(url)).json()) as []) ?? []
  const failNext = async (code: number, times: number) => {
    const res = await fetch(`${urls.fail}?code=${code}&subcode=0&times=${times}`, { method: 'POST' })
    expect(res.status, await res.text()).toBe(204)
  }
  return { proc, graph: urls.graph, sent: () => read(urls.sent), requests: () => read(urls.requests), failNext }
}

/** A proxy in front of the server whose agent event streams the test can cut: drop() ends the
 * open ones and answers 503 to new ones until restore(); it notes the Last-Event-ID of each and
 * the ids of the offer_missed events the server sent, each once however often it was sent. */
async function startCuttableProxy(target: string): Promise<{ url: string; drop: () => void; restore: () => void; resumedFrom: string[]; missedIds: Set<string>; close: () => Promise<void> }> {
  const streams = new Set<ServerResponse>()
  const resumedFrom: string[] = []
  const missedIds = new Set<string>()
  let down = false
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const events = (req.url ?? '').startsWith('/api/v1/agent/events')
    if (events && down) {
      res.writeHead(503, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'unavailable', message: 'the test cut the connection' } }))
      return
    }
    if (events && req.headers['last-event-id']) resumedFrom.push(String(req.headers['last-event-id']))
    const upstream = httpRequest(target + req.url, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
      if (events) {
        streams.add(res)
        res.on('close', () => streams.delete(res))
        let buffer = ''
        up.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8')
          const blocks = buffer.split('\n\n')
          buffer = blocks.pop() ?? ''
          // every event with an id names its type on an event: line
          for (const b of blocks) {
            const field = (name: string) => b.split('\n').find((l) => l.startsWith(name + ':'))?.slice(name.length + 1).trim()
            const id = field('id')
            if (id && field('event') === 'offer_missed') missedIds.add(id)
          }
        })
      }
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    drop: () => {
      down = true
      for (const s of streams) s.destroy()
    },
    restore: () => {
      down = false
    },
    resumedFrom,
    missedIds,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
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

/** A Messenger message from a customer to the page, signed; written ago milliseconds ago. */
async function message(from: string, text: string, ago = 0): Promise<void> {
  const now = Date.now() - ago
  await webhook({ object: 'page', entry: [{ id: pageId, time: now, messaging: [{ sender: { id: from }, recipient: { id: pageId }, timestamp: now, message: { mid: `m_desk_${now}_${from}`, text } }] }] })
}

describe.skipIf(!server)('the agent desk and the supervisor view', () => {
  let fake: Awaited<ReturnType<typeof startFakeGraph>>
  let close: () => Promise<void>
  let browser: Browser
  const contexts: BrowserContext[] = []
  let supervisor: Page
  const agents: Record<'ana' | 'ben', { token: string; page: Page }> = {} as never

  async function agentPage(token: string, colorScheme: 'light' | 'dark'): Promise<Page> {
    const ctx = await browser.newContext({ baseURL: server!.url, viewport: { width: 1440, height: 900 }, colorScheme, reducedMotion: 'reduce' })
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
    // the flow liked the comment before it queued it: the transcript says so
    await conv.locator('.msg.out[data-kind="like"]', { hasText: 'Flow' }).locator('.action-note', { hasText: 'liked' }).waitFor()
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

  /** The channel rings (or assigns at once, direct) with these settings over the fake's. */
  async function channelSettings(extra: Record<string, unknown>): Promise<void> {
    const put = await call(server!, 'PUT', `/channels/${channel}`, { settings: { base_url: fake.graph, account_id: pageId, ...extra } })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
  }

  /** Ben takes every new customer at once: direct offers, room for many, Ana on a break. */
  async function benTakesAll(extra: Record<string, unknown> = { offer_mode: 'direct' }): Promise<void> {
    await channelSettings(extra)
    expect((await call(server!, 'PUT', '/agents/desk-ben', { name: 'Ben Ortiz', skills: { [skill]: 10 }, capacity: 20 })).status).toBe(200)
    expect((await call(server!, 'PUT', '/agents/desk-ana/state', { state: 'break', reason: 'lunch' })).status).toBe(200)
    expect((await call(server!, 'PUT', '/agents/desk-ben/state', { state: 'available' })).status).toBe(200)
  }

  /** Opens on Ben's desk the conversation of a customer, once it is his. */
  async function openOnBen(customer: string, text: string): Promise<Locator> {
    const page = agents.ben.page
    if (!page.url().endsWith('/desk')) {
      await page.goto('/desk')
      await page.locator('.desk[data-live="live"]').waitFor()
    }
    await page.locator('.inbox [role=option]', { hasText: customer }).click()
    const conv = page.locator('section.conversation[data-conversation]')
    await conv.locator('.msg.in', { hasText: text }).waitFor()
    return conv
  }

  it('lists the break reasons an admin writes, and marks each channel against its own targets', async () => {
    const ben = agents.ben.page
    try {
      // the admin writes the reasons on the Agents page; a bad one is refused naming the field
      await supervisor.goto('/agents')
      const form = supervisor.locator('.workspace-settings form')
      const reasons = form.getByLabel('Break reasons')
      await reasons.fill('lunch, Coaching: 1:1')
      await form.getByRole('button', { name: 'Save the workspace settings' }).click()
      await expect.poll(async () => (await call<{ break_reasons: string[] }>(server!, 'GET', '/workspace/settings')).body.break_reasons).toEqual(['lunch', 'Coaching: 1:1'])
      const bad = await call<{ error: { field: string } }>(server!, 'PUT', '/workspace/settings', { break_reasons: ['lunch', ' '] })
      expect(bad.status).toBe(400)
      expect(bad.body.error.field).toBe('break_reasons[1]')

      // Ben's menu lists them: the default one in his language, the admin's as written
      await ben.goto('/desk')
      await ben.locator('.desk[data-live="live"]').waitFor()
      const options = () => ben.getByTestId('agent-state').locator('option').allTextContents()
      await expect.poll(options).toContain('on break: Coaching: 1:1')
      expect(await options()).not.toContain('on break: coffee')
      await ben.getByTestId('agent-state').selectOption('break:Coaching: 1:1')
      await supervisor.goto('/supervisor')
      await expect.poll(() => supervisor.locator('.agent-board tr[data-agent="desk-ben"]').textContent()).toContain('Coaching: 1:1')
      const state = await call<{ state: string; reason: string }[] | { agents: { agent: string; state: string; reason: string }[] }>(server!, 'GET', '/agent-states')
      const rows = Array.isArray(state.body) ? state.body : state.body.agents
      expect(rows.find((r) => (r as { agent?: string }).agent === 'desk-ben')).toMatchObject({ state: 'break', reason: 'Coaching: 1:1' })

      // the channel's targets: its own, beside its figures
      await channelSettings({ offer_mode: 'direct', target_service_level: 95, target_abandon: 2, target_wait: '30s' })
      await supervisor.goto('/supervisor')
      await expect.poll(() => supervisor.locator(`table.channel-live tr[data-channel="${channel}"] [data-testid="targets"]`).textContent()).toBe('≥ 95% in time, ≤ 2% abandoned, waits ≤ 30s')
    } finally {
      await call(server!, 'PUT', '/workspace/settings', { break_reasons: ['lunch', 'coffee', 'training', 'meeting', 'other'] })
    }
  })

  it('finds canned responses with Ctrl+Space, inserts emoji, likes and hides a comment, and answers it with a photo', async () => {
    await benTakesAll()
    const created = await call(server!, 'POST', '/canned-responses', { title: 'Ctrl space hello', shortcut: 'ctrlhello', text: 'Hola {{ contact.name }}, te ayudo.', skill })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    await comment('900200_777101', { id: '7111', name: 'Nora Paz' }, '¿Abren el domingo?')
    const conv = await openOnBen('Nora Paz', 'Abren el domingo')
    const page = agents.ben.page
    const box = page.getByLabel('Your reply')

    // Ctrl+Space anywhere in the box: the list opens; Enter inserts at the cursor, name filled
    await box.fill('Buenas. ')
    await box.press('End')
    await box.press('Control+Space')
    await page.locator('#canned-list [role=option]', { hasText: 'Ctrl space hello' }).waitFor()
    // the arrows choose among the responses of the conversation's skill
    const chosen = () => page.locator('#canned-list [role=option][aria-selected=true]').textContent()
    for (let i = 0; i < 10 && !(await chosen())?.includes('Ctrl space hello'); i++) await box.press('ArrowDown')
    expect(await chosen()).toContain('Ctrl space hello')
    await box.press('Enter')
    await expect.poll(() => box.inputValue()).toBe('Buenas. Hola Nora Paz, te ayudo.')

    // an emoji goes where the cursor is
    await conv.getByRole('button', { name: 'Emoji' }).click()
    const first = await page.locator('.emoji-picker button').first().getAttribute('aria-label')
    await page.locator('.emoji-picker button').first().click()
    await expect.poll(() => box.inputValue()).toBe(`Buenas. Hola Nora Paz, te ayudo.${first}`)

    // like and hide the comment: the Graph gets both, the transcript shows both sent
    const customerComment = conv.locator('.msg.in', { hasText: 'Abren el domingo' })
    const before = (await fake.requests()).length
    await customerComment.getByRole('button', { name: 'Like' }).click()
    await conv.locator('.msg.out:not(.failed)[data-kind="like"] .meta', { hasText: 'You' }).filter({ hasText: 'sent' }).waitFor()
    await customerComment.getByRole('button', { name: 'Hide' }).click()
    await conv.locator('.msg.out:not(.failed)[data-kind="hide"] .meta', { hasText: 'You' }).filter({ hasText: 'sent' }).waitFor()
    const mine = (await fake.requests()).slice(before)
    expect(mine.filter((r) => r.Method === 'POST' && r.Path.endsWith('/900200_777101/likes'))).toHaveLength(1)
    expect(mine.filter((r) => r.Method === 'POST' && r.Path.endsWith('/900200_777101') && r.Body?.is_hidden === true)).toHaveLength(1)

    // the public reply carries its image: the comment's attachment_url, which the fake Graph
    // fetched and found an image at
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    await page.getByLabel('public').check()
    await page.locator('.reply-box input[type=file]').setInputFiles({ name: 'horario.png', mimeType: 'image/png', buffer: png })
    await page.locator('.reply-box .files li', { hasText: 'horario.png' }).waitFor()
    await page.getByRole('button', { name: 'Reply publicly' }).click()
    await conv.locator('.msg.out.public', { hasText: 'te ayudo' }).locator('.attachment').waitFor()
    await expect
      .poll(async () => (await fake.sent()).find((x) => x.Kind === 'comment' && x.Parent === '900200_777101')?.Attachment ?? '', { message: 'the photo comment' })
      .toMatch(/\/files\/f_[^?]+\?sig=/)
  })

  it('explains a closed messaging window and refuses the send', async () => {
    await benTakesAll()
    await message('7121', 'Hola, ¿siguen ahí?', 25 * 3600 * 1000)
    const conv = await openOnBen('siguen ahí', 'siguen ahí')
    const page = agents.ben.page
    await page.getByTestId('window-closed').waitFor()
    expect(await page.getByTestId('window-closed').textContent()).toMatch(/messaging window closed on .* a private message cannot be sent now/)
    expect(await page.getByLabel('Your reply').isDisabled()).toBe(true)
    expect(await page.getByRole('button', { name: 'Send privately' }).isDisabled()).toBe(true)
    // the attach button looks as unavailable as the others
    expect(await page.getByTestId('attach').evaluate((el) => getComputedStyle(el).opacity)).toBe('0.5')
    // the server refuses it too, naming the field, and nothing reaches the Graph
    const id = await conv.getAttribute('data-conversation')
    const sentBefore = (await fake.sent()).length
    const refused = await call<{ error: { code: string; field: string } }>({ url: server!.url, token: agents.ben.token }, 'POST', `/agent/conversations/${id}/reply`, { text: 'hola', visibility: 'private' })
    expect(refused.status).toBe(422)
    expect(refused.body.error).toMatchObject({ code: 'window_closed', field: 'visibility' })
    expect((await fake.sent()).length).toBe(sentBefore)
  })

  it('retries a reply the Graph refused once', async () => {
    await benTakesAll()
    await comment('900200_777131', { id: '7131', name: 'Olga Ruiz' }, '¿Me confirman el pedido?')
    const conv = await openOnBen('Olga Ruiz', 'Me confirman el pedido')
    // the flow's like went first: the refusal is the reply's
    await conv.locator('.msg.out:not(.failed)[data-kind="like"] .meta').filter({ hasText: 'sent' }).waitFor()
    await fake.failNext(100, 1)
    const page = agents.ben.page
    await page.getByLabel('public').check()
    await page.getByLabel('Your reply').fill('Confirmado, sale hoy.')
    await page.getByRole('button', { name: 'Reply publicly' }).click()
    const reply = conv.locator('.msg.out', { hasText: 'Confirmado, sale hoy.' })
    await reply.locator('.send-failed', { hasText: 'Invalid parameter' }).waitFor()
    expect((await fake.sent()).filter((s) => s.Text === 'Confirmado, sale hoy.')).toHaveLength(0)
    await reply.getByRole('button', { name: 'Retry' }).click()
    await reply.locator('.send-failed').waitFor({ state: 'detached' })
    await reply.locator('.meta').filter({ hasText: 'sent' }).waitFor()
    await expect.poll(async () => (await fake.sent()).filter((s) => s.Kind === 'comment' && s.Text === 'Confirmado, sale hoy.').length).toBe(1)
  })

  it('catches up after its event stream drops, without duplicates', async () => {
    await benTakesAll({ offer_mode: 'ring', ring_timeout: '2s', pause_on_missed_offer: false })
    const proxy = await startCuttableProxy(server!.url)
    const ctx = await browser.newContext({ baseURL: proxy.url, viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' })
    await ctx.addInitScript((t) => localStorage.setItem('switchboard.token', t), agents.ben.token)
    try {
      const page = await ctx.newPage()
      page.setDefaultTimeout(30_000)
      await page.goto('/desk')
      await page.locator('.desk[data-live="live"]').waitFor()
      const missed = () => page.getByTestId('notice-missed').count()
      expect(await missed()).toBe(0)

      // an offer rings out while the stream is up: one notice
      await comment('900200_777141', { id: '7141', name: 'Raúl Uno' }, 'Primera consulta')
      await expect.poll(missed).toBe(1)

      // the stream drops; another rings out meanwhile, unseen
      proxy.drop()
      await page.locator('.desk[data-live="retrying"]').waitFor()
      await comment('900200_777142', { id: '7142', name: 'Raúl Dos' }, 'Segunda consulta')
      type Entry = { customer?: { name: string }; status: string; excluded?: string[] | null }
      const rangOut = async () => {
        const q = (await call<Entry[] | { entries: Entry[] }>(server!, 'GET', '/queue')).body
        const e = (Array.isArray(q) ? q : q.entries).find((x) => x.customer?.name === 'Raúl Dos')
        return e?.status === 'queued' && (e.excluded ?? []).includes('desk-ben')
      }
      await expect.poll(rangOut, { message: 'the second offer rang out for Ben' }).toBe(true)
      expect(await missed()).toBe(1)

      // back: it resumes from the last event it saw and gets the one it missed, once
      proxy.restore()
      await page.locator('.desk[data-live="live"]').waitFor()
      await expect.poll(missed).toBeGreaterThanOrEqual(2)
      await expect.poll(async () => (await missed()) - Math.min(proxy.missedIds.size, 5), { message: 'the missed one caught up, once' }).toBe(0)
      expect(proxy.resumedFrom.length, 'the desk reconnected with Last-Event-ID').toBeGreaterThan(0)
      // a third after the catch-up: had anything been replayed twice, it would show as a fourth.
      // On a slow machine a conversation every agent let ring out is offered again after
      // routing's ReofferAfter (a minute) and may ring out again: a new event, a new notice. So
      // the notices are counted against the distinct offer_missed events the server sent.
      await comment('900200_777143', { id: '7143', name: 'Raúl Tres' }, 'Tercera consulta')
      await expect.poll(missed).toBeGreaterThanOrEqual(3)
      expect(proxy.missedIds.size).toBeGreaterThanOrEqual(3)
      await expect.poll(async () => (await missed()) - Math.min(proxy.missedIds.size, 5), { message: 'one notice per offer_missed event, none twice' }).toBe(0)
    } finally {
      await ctx.close()
      await proxy.close()
    }
  })

  it('shows the desk in Spanish, Italian and French with no English left', async () => {
    // an offer ringing, a comment with the flow's and Ben's likes, a private reply held back
    // for its file, a closed messaging window: Ben's desk in each language
    await benTakesAll({ offer_mode: 'ring', ring_timeout: '300s' })
    await comment('900200_777151', { id: '7151', name: 'Sara Luz' }, '¿Tienen factura A?')
    const page = agents.ben.page
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    const found: string[] = []
    try {
      for (const locale of ['es', 'it', 'fr'] as const) {
        await page.evaluate((l) => localStorage.setItem('switchboard.locale', l), locale)
        await page.goto('/desk')
        await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale)
        await page.locator('.desk[data-live="live"]').waitFor()
        await page.locator('.offer', { hasText: 'Sara Luz' }).waitFor()
        await page.locator('.inbox [role=option]', { hasText: 'Nora Paz' }).click()
        const conv = page.locator('section.conversation[data-conversation]')
        const noraComment = conv.locator('.msg.in', { hasText: 'Abren el domingo' })
        await noraComment.locator('.msg-actions button').first().click()
        await page.getByTestId('reply-to').waitFor()
        await page.locator('.reply-box textarea').fill('Hola')
        await page.locator('.reply-box input[type=file]').setInputFiles({ name: 'horario.png', mimeType: 'image/png', buffer: png })
        await page.getByTestId('files-problem').waitFor()
        found.push(...(await untranslatedOn(page, locale)).map((x) => `${locale} comment: ${x}`))
        await page.locator('.inbox [role=option]', { hasText: 'siguen ahí' }).click()
        await page.getByTestId('window-closed').waitFor()
        found.push(...(await untranslatedOn(page, locale)).map((x) => `${locale} window: ${x}`))
        await shot(page, `desk-${locale}`)
      }
    } finally {
      await page.evaluate(() => localStorage.removeItem('switchboard.locale'))
      const desk = await call<{ offers: { ref: string }[] }>({ url: server!.url, token: agents.ben.token }, 'GET', '/agent')
      for (const o of desk.body.offers) await call({ url: server!.url, token: agents.ben.token }, 'POST', `/agent/offers/${o.ref}/reject`)
    }
    expect(found, 'English texts on the desk').toEqual([])
  })
})
