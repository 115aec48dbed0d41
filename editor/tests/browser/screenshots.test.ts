// The pictures of the README, taken from the example flows and some live traffic: the inspector
// on opening hours, a simulation's path, a diff of the draft with the published version, and
// the supervisor's view. They land in test-results/readme-*.png; `npm run screenshots` copies
// them to docs/screenshots/.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { switchboard } from './server.ts'
import type { Page } from 'playwright-core'
import { launch, shot } from './chromium.ts'
import { call } from './api.ts'

const server = switchboard()

const queueFlow = `switchboard: 1
id: chat-queue
name: Web chat queue
blocks:
  chat:
    type: webchat.trigger
    next: {message: topic}
    ui: {x: 40, y: 120}
  topic:
    type: filter.keywords
    params:
      rules:
        - {exit: billing, any: [factura, invoice]}
    next: {billing: to-billing, nomatch: to-general}
    ui: {x: 260, y: 120}
  to-billing:
    type: route.skill
    params: {skill: billing, timeout: 1h, queue_without_agents: true}
    ui: {x: 480, y: 40}
  to-general:
    type: route.skill
    params: {skill: general, timeout: 1h, queue_without_agents: true}
    ui: {x: 480, y: 220}
`

describe.skipIf(!server)('the README pictures', () => {
  let close: () => Promise<void>
  let page: Page

  beforeAll(async () => {
    ;({ page, close } = await launch({ url: server!.url, token: server!.token }))
    page.setDefaultTimeout(30_000)
    page.on('dialog', (d) => void d.accept())
  })

  afterAll(async () => {
    await close?.()
  })

  it('the inspector on opening hours', async () => {
    await page.goto('/flows/facebook-care')
    await page.locator('body[data-canvas-ready="true"]').waitFor({ state: 'attached' })
    await page.locator('.react-flow__node[data-id="hours"]').click()
    await page.locator('.weekly-hours').waitFor()
    await shot(page, 'readme-inspector')
  })

  it('a simulation lit on the canvas', async () => {
    await page.getByRole('tab', { name: 'Simulate' }).click()
    await page.getByLabel('Kind').selectOption('comment')
    await page.getByLabel('Message').fill('Hola, necesito la factura de octubre')
    await page.getByLabel('Date', { exact: true }).fill('2026-11-17')
    await page.getByLabel('Time', { exact: true }).fill('10:00')
    // in the zone of the flow's opening hours (UTC-03:00)
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/Argentina/Buenos_Aires')
    await page.getByRole('button', { name: '+ Add an agent' }).click()
    await page.getByLabel('Agent 1 skills').fill('billing:12, general:8')
    await page.getByRole('button', { name: 'Run the draft' }).click()
    await page.locator('.trace .status').waitFor()
    await expect.poll(() => page.locator('.block-node.on-path').count()).toBeGreaterThanOrEqual(5)
    await page.locator('.trace .steps > li[data-block="topic"] button.step').click()
    await page.waitForTimeout(400)
    await shot(page, 'readme-simulate')
    await page.getByRole('button', { name: 'Clear the path' }).click()
  })

  it('the draft compared with the published version', async () => {
    await page.getByRole('tab', { name: 'YAML' }).click()
    const area = page.getByLabel('Flow YAML')
    const text = await area.inputValue()
    await area.fill(
      text
        .replace('{exit: billing, any: [factura, invoice, refund, reembolso, cobro]}', '{exit: billing, any: [factura, invoice, refund, reembolso, cobro, pago]}')
        .replace('no_agents: closed-reply}\n    ui: {x: 1140, "y": 300}', 'no_agents: closed-reply}\n    ui: {x: 1140, "y": 300}\n  vip:\n    type: tag\n    params: {tags: [vip], important: true}\n    next: {next: to-billing}\n    ui: {x: 920, y: 40}')
        .replace('next: {billing: to-billing, nomatch: to-general}', 'next: {billing: vip, nomatch: to-general}'),
    )
    await page.getByRole('tab', { name: 'Versions' }).click()
    await page.locator('.version-list li[data-version="1"]').getByRole('button', { name: 'Compare with the draft' }).click()
    await page.locator('.diff-banner').waitFor()
    await page.waitForTimeout(500)
    await shot(page, 'readme-diff')
    await page.getByRole('button', { name: 'Back to editing' }).first().click()
  })

  it("the supervisor's live view", async () => {
    for (const skill of ['billing', 'general']) expect((await call(server!, 'PUT', `/skills/${skill}`, { description: skill })).status).toBe(200)
    for (const [id, name, skills] of [
      ['ana', 'Ana', { billing: 12, general: 8 }],
      ['bruno', 'Bruno', { general: 10 }],
      ['carla', 'Carla', { billing: 15 }],
    ] as const) {
      expect((await call(server!, 'PUT', `/agents/${id}`, { name, skills, capacity: 1 })).status).toBe(200)
    }
    expect((await call(server!, 'PUT', '/agents/ana/state', { state: 'available' })).status).toBe(200)
    expect((await call(server!, 'PUT', '/agents/bruno/state', { state: 'break', reason: 'lunch' })).status).toBe(200)
    expect((await call(server!, 'POST', '/flows/import?publish=true', queueFlow)).status).toBe(201)
    const ch = await call(server!, 'POST', '/channels', { id: 'web', type: 'webchat', name: 'Web chat', default_flow: 'chat-queue', default_skill: 'general' })
    expect(ch.status).toBe(201)
    const messages = ['necesito la factura', 'hola', 'invoice please', 'consulta de envío', 'mi factura está mal', 'hola, ¿abren el sábado?', 'quiero cambiar el plan']
    for (const [i, text] of messages.entries()) {
      const res = await fetch(`${server!.url}/webhooks/webchat/web`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: `s-${i}`, text, author: { id: `visitor-${i}`, name: `Visitor ${i + 1}` } }),
      })
      expect(res.status).toBeLessThan(300)
    }
    await expect
      .poll(async () => (await call<{ skills: { waiting: number }[] }>(server!, 'GET', '/stats')).body.skills.reduce((n, s) => n + s.waiting, 0), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(4)
    await page.goto('/supervisor')
    await page.locator('.live[data-live="live"]').waitFor({ timeout: 60_000 })
    await expect.poll(async () => Number(await page.getByTestId('waiting').textContent())).toBeGreaterThanOrEqual(4)
    await shot(page, 'readme-supervisor')
  })
})
