// The points where a designer got stuck in the editor (issue 15), each in Chromium against the
// real switchboard binary. Every test makes its own flow through the API and opens it, so that
// none depends on another.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { switchboard } from './server.ts'
import type { Locator, Page } from 'playwright-core'
import { launch, shot } from './chromium.ts'
import { call } from './api.ts'

const server = switchboard()

/** A web chat trigger and a reply far to its right, unwired. */
const twoBlocks = (id: string) => `switchboard: 1
id: ${id}
name: Designer test
blocks:
  start:
    type: webchat.trigger
    ui: {x: 0, y: 0}
  reply:
    type: reply
    params: {text: [Hola]}
    ui: {x: 420, y: 60}
`

describe.skipIf(!server)('the designer is not stuck', () => {
  let close: () => Promise<void>
  let page: Page
  const dialogs: string[] = []

  const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)
  const edge = (id: string) => page.locator(`.react-flow__edge[data-id="${id}"]`)

  async function importFlow(source: string): Promise<void> {
    const res = await call(server!, 'POST', '/flows/import', source)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  }

  async function publish(id: string, message: string): Promise<void> {
    const f = await call<{ revision: number }>(server!, 'GET', `/flows/${id}`)
    const res = await call(server!, 'POST', `/flows/${id}/publish`, { message }, { 'If-Match': `"${f.body.revision}"` })
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
  }

  async function saveSource(id: string, source: string): Promise<void> {
    const f = await call<{ revision: number }>(server!, 'GET', `/flows/${id}`)
    const res = await call(server!, 'PUT', `/flows/${id}`, { source }, { 'If-Match': `"${f.body.revision}"` })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }

  async function open(id: string): Promise<void> {
    await page.goto(`/flows/${id}`)
    await page.locator('body[data-canvas-ready="true"]').waitFor({ state: 'attached' })
  }

  async function yamlText(): Promise<string> {
    await page.getByRole('tab', { name: 'YAML' }).click()
    const text = await page.getByLabel('Flow YAML').inputValue()
    await page.getByRole('tab', { name: 'Inspector' }).click()
    return text
  }

  async function center(l: Locator): Promise<{ x: number; y: number }> {
    const b = (await l.boundingBox())!
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 }
  }

  beforeAll(async () => {
    ;({ page, close } = await launch({ url: server!.url, token: server!.token }))
    // the editor asks nothing through the browser's own dialogs (but leaving a flow with
    // unsaved changes, which the next test does)
    page.on('dialog', (d) => {
      if (d.type() === 'beforeunload') return void d.accept()
      dialogs.push(d.message())
      void d.dismiss()
    })
    page.setDefaultTimeout(30_000)
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await shot(page, `failed-designer-${ctx.task.name.replace(/\W+/g, '-')}`)
  })

  afterAll(async () => {
    await close?.()
  })

  it('1: writes blocks added after deleting every block one per line', async () => {
    await importFlow(twoBlocks('stuck-empty'))
    await open('stuck-empty')
    for (const id of ['reply', 'start']) {
      await node(id).click()
      await page.keyboard.press('Delete')
      await node(id).waitFor({ state: 'detached' })
    }
    expect(await yamlText()).toContain('blocks: {}')
    const pane = page.locator('.react-flow__pane')
    const box = (await pane.boundingBox())!
    await page.locator('.palette-item[data-type="reply"]').dragTo(pane, { targetPosition: { x: box.width * 0.3, y: box.height * 0.3 } })
    await node('reply').waitFor()
    await page.locator('.palette-item[data-type="end"]').dragTo(pane, { targetPosition: { x: box.width * 0.6, y: box.height * 0.5 } })
    await node('end').waitFor()
    const text = await yamlText()
    expect(text).not.toContain('blocks: {')
    expect(text).toMatch(/\nblocks:\n {2}reply:\n {4}type: reply\n[\s\S]*\n {2}end:\n {4}type: end\n/)
  })

  it('2: connects a wire dropped anywhere on a block, highlighting it, and says so when a wire connects to nothing', async () => {
    await importFlow(twoBlocks('stuck-wire'))
    await open('stuck-wire')
    const from = await center(node('start').locator('li[data-exit="message"] .react-flow__handle'))
    const body = (await node('reply').boundingBox())!
    // the right half of the block's body, far from its small input handle on the left
    const to = { x: body.x + body.width * 0.75, y: body.y + body.height * 0.6 }
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(to.x, to.y, { steps: 12 })
    await expect.poll(() => node('reply').locator('.block-node').getAttribute('class')).toContain('drop-target')
    await page.mouse.up()
    await edge('start:message').waitFor()
    expect(await node('reply').locator('.block-node').getAttribute('class')).not.toContain('drop-target')
    expect(await yamlText()).toContain('next: {message: reply}')

    // a wire dropped on the empty canvas is not lost silently
    const exit = await center(node('reply').locator('li[data-exit="sent"] .react-flow__handle'))
    const pane = (await page.locator('.react-flow__pane').boundingBox())!
    await page.mouse.move(exit.x, exit.y)
    await page.mouse.down()
    await page.mouse.move(pane.x + pane.width * 0.5, pane.y + pane.height - 40, { steps: 12 })
    await page.mouse.up()
    await expect.poll(() => page.locator('.wire-hint').textContent()).toContain('not connected')
    expect(await page.locator('.react-flow__edge').count()).toBe(1)
  })

  it('3: tabs through the blocks first, each followed by its wires, with a visible focus ring', async () => {
    await importFlow(`switchboard: 1
id: stuck-keyboard
name: Keyboard
blocks:
  start:
    type: webchat.trigger
    next: {message: reply}
    ui: {x: 0, y: 0}
  reply:
    type: reply
    params: {text: [Hola]}
    next: {sent: end}
    ui: {x: 300, y: 0}
  end:
    type: end
    ui: {x: 600, y: 0}
`)
    await open('stuck-keyboard')
    await page.locator('.palette-item .palette-add').last().focus()
    /** What has the keyboard focus: a block's or wire's id, or null outside the canvas; and
     * whether its focus ring shows (an outline on a block, a thick accent stroke on a wire). */
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement
        const item = el?.closest('.react-flow__node, .react-flow__edge')
        if (!el || !item || item !== el) return { id: null, ring: false }
        if (item.classList.contains('react-flow__edge')) {
          const path = item.querySelector('.react-flow__edge-path')!
          return { id: (item as SVGElement).dataset.id ?? '', ring: parseFloat(getComputedStyle(path).strokeWidth) >= 3 }
        }
        const box = item.firstElementChild!
        const s = getComputedStyle(box)
        return { id: (item as HTMLElement).dataset.id ?? '', ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 }
      })
    const visited: string[] = []
    for (let i = 0; i < 30 && visited.length < 5; i++) {
      await page.keyboard.press('Tab')
      const f = await focused()
      if (f.id === null) {
        if (visited.length > 0) break
        continue
      }
      expect(f.ring, `focus ring on ${f.id}`).toBe(true)
      visited.push(f.id)
    }
    expect(visited).toEqual(['start', 'start:message', 'reply', 'reply:sent', 'end'])
    // past the last block the focus leaves the canvas, and Shift+Tab comes back the same way
    await page.keyboard.press('Tab')
    expect((await focused()).id).toBeNull()
    await page.locator('.react-flow__node[data-id="end"]').focus()
    await page.keyboard.press('Shift+Tab')
    expect((await focused()).id).toBe('reply:sent')
  })

  it('6: offers rollback only for old versions, through a dialog that says what will be published', async () => {
    await importFlow(twoBlocks('stuck-rollback'))
    await publish('stuck-rollback', 'first')
    await saveSource('stuck-rollback', twoBlocks('stuck-rollback').replace('text: [Hola]', 'text: [Hola, buenas]'))
    await publish('stuck-rollback', 'second')
    await open('stuck-rollback')
    await page.getByRole('tab', { name: 'Versions' }).click()
    const v2 = page.locator('.version-list li[data-version="2"]')
    await v2.waitFor()
    expect(await v2.getByRole('button', { name: 'Roll back to this' }).count()).toBe(0)
    expect(await v2.textContent()).toContain('Published now')
    await page.locator('.version-list li[data-version="1"]').getByRole('button', { name: 'Roll back to this' }).click()
    const dialog = page.getByRole('dialog', { name: 'Roll back to version 1' })
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Version 1 will be published again as version 3')
    await expect.poll(() => dialog.locator('.rollback-changes').textContent()).toContain('changed reply (params text)')
    // cancelling publishes nothing
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await call<{ latest_version: number }>(server!, 'GET', '/flows/stuck-rollback')).body.latest_version).toBe(2)
    await page.locator('.version-list li[data-version="1"]').getByRole('button', { name: 'Roll back to this' }).click()
    await dialog.getByRole('button', { name: 'Publish version 1 again' }).click()
    await page.getByText('Rolled back').waitFor()
    await page.locator('.version-list li[data-version="3"]').waitFor()
    expect((await call<{ latest_version: number }>(server!, 'GET', '/flows/stuck-rollback')).body.latest_version).toBe(3)
    expect(dialogs).toEqual([])
  })

  it('6: keeps the minimap off the blocks after Fit View', async () => {
    const lines = ['switchboard: 1', 'id: stuck-minimap', 'name: Grid', 'blocks:']
    for (let i = 0; i < 25; i++) {
      lines.push(`  b${i}:`, `    type: ${i === 0 ? 'webchat.trigger' : 'end'}`)
      if (i === 0) lines.push('    next: {message: b1}')
      lines.push(`    ui: {x: ${(i % 5) * 300}, y: ${Math.floor(i / 5) * 220}}`)
    }
    await importFlow(lines.join('\n') + '\n')
    await open('stuck-minimap')
    await page.getByRole('button', { name: 'Fit View' }).click()
    const minimap = (await page.locator('.react-flow__minimap').boundingBox())!
    const overlaps = async () => {
      const hidden: string[] = []
      for (const n of await page.locator('.react-flow__node').all()) {
        const b = (await n.boundingBox())!
        const apart = b.x + b.width <= minimap.x || b.x >= minimap.x + minimap.width || b.y + b.height <= minimap.y || b.y >= minimap.y + minimap.height
        if (!apart) hidden.push((await n.getAttribute('data-id')) ?? '?')
      }
      return hidden
    }
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(25)
    await expect.poll(overlaps).toEqual([])
  })

  it('7: takes a pasted list of keywords, and Enter adds the next', async () => {
    await importFlow(`switchboard: 1
id: stuck-keywords
name: Keywords
blocks:
  start:
    type: webchat.trigger
    next: {message: topic}
    ui: {x: 0, y: 0}
  topic:
    type: filter.keywords
    params:
      rules:
        - {exit: complaint, any: [reclamo]}
    ui: {x: 300, y: 0}
`)
    await open('stuck-keywords')
    await node('topic').click()
    const any = page.locator('.field[data-path="rules[0].any"]')
    await any.getByRole('button', { name: /Add/ }).click()
    const second = any.getByLabel('Any 2', { exact: true })
    await second.focus()
    await page.evaluate(() => navigator.clipboard.writeText('reclamación, queja\nqueja formal'))
    await page.keyboard.press('Control+v')
    await expect.poll(() => any.locator('input[type="text"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([
      'reclamo',
      'reclamación',
      'queja',
      'queja formal',
    ])
    await expect.poll(() => any.getByLabel('Any 4', { exact: true }).evaluate((e) => e === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => any.getByLabel('Any 5', { exact: true }).evaluate((e) => e === document.activeElement)).toBe(true)
    await page.keyboard.type('disconformidad')
    await expect.poll(() => yamlText()).toContain('any: [reclamo, reclamación, queja, queja formal, disconformidad]')
  })

  it('8: says in the inspector that a reversed range of opening hours runs overnight', async () => {
    await importFlow(`switchboard: 1
id: stuck-overnight
name: Overnight
blocks:
  start:
    type: webchat.trigger
    next: {message: hours}
    ui: {x: 0, y: 0}
  hours:
    type: calendar.hours
    params:
      timezone: Europe/Madrid
      open: {mon: ["13:00-09:00"], tue: ["09:00-13:00"]}
    ui: {x: 300, y: 0}
`)
    await open('stuck-overnight')
    await node('hours').click()
    const week = page.locator('.inspector .weekly-hours')
    await expect.poll(() => week.locator('tr[data-day="mon"] .overnight-note').textContent()).toContain('overnight: closes at 09:00 the next day')
    expect(await week.locator('tr[data-day="tue"] .overnight-note').count()).toBe(0)
    // and while a range is typed
    await week.getByRole('button', { name: 'Add hours on Wednesday' }).click()
    await week.getByLabel('Opens on Wednesday').fill('22:00')
    await week.getByLabel('Closes on Wednesday').fill('06:00')
    await expect.poll(() => week.locator('tr[data-day="wed"] .add-range .overnight-note').textContent()).toContain('closes at 06:00 the next day')
  })

  it('9: names a version\'s author by the token name only', async () => {
    await importFlow(twoBlocks('stuck-author'))
    await publish('stuck-author', 'first')
    await open('stuck-author')
    await page.getByRole('tab', { name: 'Versions' }).click()
    const by = page.locator('.version-list li[data-version="1"] [title^="t_"]')
    await by.waitFor()
    const text = (await by.textContent()) ?? ''
    expect(text).toMatch(/^by \S/)
    expect(text).not.toContain('(t_')
    expect(text).not.toContain('sbt_')
  })

  it('5: shows the old and new value of every changed parameter side by side', async () => {
    await importFlow(twoBlocks('stuck-diff'))
    await publish('stuck-diff', 'first')
    await saveSource('stuck-diff', twoBlocks('stuck-diff').replace('text: [Hola]', 'text: [Hola, buenas], visibility: private'))
    await publish('stuck-diff', 'second')
    await open('stuck-diff')
    await page.getByRole('tab', { name: 'Versions' }).click()
    await page.locator('.version-list li[data-version="2"]').getByRole('button', { name: 'What changed' }).click()
    const table = page.locator('table.param-diff[data-block="reply"]')
    await table.waitFor()
    const row = (p: string) => table.locator(`tr[data-param="${p}"]`)
    expect(await row('text').locator('td.old').textContent()).toBe('[Hola]')
    expect(await row('text').locator('td.new').textContent()).toBe('[Hola, buenas]')
    expect(await row('visibility').locator('td.old').textContent()).toBe('(not set)')
    expect(await row('visibility').locator('td.new').textContent()).toBe('private')
    expect(await table.locator('thead').textContent()).toContain('version 1')
  })

  it('4: simulates in the zone of the flow\'s opening hours, its offset on the date shown, with no field cut off', async () => {
    await importFlow(`switchboard: 1
id: stuck-zone
name: Zone
blocks:
  start:
    type: webchat.trigger
    next: {message: hours}
    ui: {x: 0, y: 0}
  hours:
    type: calendar.hours
    params:
      timezone: Asia/Kolkata
      open: {mon-sun: ["09:00-18:00"]}
    ui: {x: 300, y: 0}
`)
    await open('stuck-zone')
    await page.getByRole('tab', { name: 'Simulate' }).click()
    const form = page.getByRole('form', { name: 'Simulation' })
    expect(await form.getByLabel('Time zone').inputValue()).toBe('Asia/Kolkata')
    await form.getByLabel('Date').fill('2026-07-15')
    await form.getByLabel('Time', { exact: true }).fill('08:00')
    await expect.poll(() => form.getByTestId('zone-offset').textContent()).toBe('UTC+05:30 on 2026-07-15')
    // every field of the form lies inside the panel (1440 px wide window)
    const cut = await form.evaluate((f) => {
      const panel = f.getBoundingClientRect()
      return [...f.querySelectorAll<HTMLElement>('input, select, textarea, .zone-offset')]
        .filter((el) => {
          const r = el.getBoundingClientRect()
          return r.width > 0 && (r.right > panel.right + 0.5 || r.left < panel.left - 0.5)
        })
        .map((el) => el.getAttribute('aria-label') ?? el.className)
    })
    expect(cut).toEqual([])
    // 08:00 in Kolkata is before the opening hours, whatever the browser's own zone
    await form.getByRole('button', { name: 'Run the draft' }).click()
    await expect.poll(() => page.locator('.trace li[data-block="hours"] .step-exit').textContent()).toBe('→ closed')
    // an offset typed by hand is still possible
    await form.getByLabel('Time zone').selectOption({ label: 'a UTC offset…' })
    expect(await form.getByLabel('UTC offset').isVisible()).toBe(true)
  })

  it('10: puts a new sticky note in view, open for writing', async () => {
    await importFlow(twoBlocks('stuck-note'))
    await open('stuck-note')
    // the view away from the top left corner, where notes used to land
    const pane = (await page.locator('.react-flow__pane').boundingBox())!
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2)
    await page.mouse.down()
    await page.mouse.move(pane.x + pane.width / 2 - 500, pane.y + pane.height / 2 - 400, { steps: 5 })
    await page.mouse.up()
    await page.getByRole('button', { name: '+ Add a sticky note' }).click()
    const note = page.locator('.note-node')
    await note.waitFor()
    const box = (await note.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(pane.x)
    expect(box.y).toBeGreaterThanOrEqual(pane.y)
    expect(box.x + box.width).toBeLessThanOrEqual(pane.x + pane.width)
    expect(box.y + box.height).toBeLessThanOrEqual(pane.y + pane.height)
    const text = note.getByRole('textbox', { name: 'Note text' })
    await expect.poll(() => text.evaluate((e) => e === document.activeElement)).toBe(true)
    await page.keyboard.type('Ask legal before changing the replies')
    await page.mouse.click(pane.x + 20, pane.y + pane.height - 20)
    await expect.poll(() => note.locator('.note-text').textContent()).toBe('Ask legal before changing the replies')
    expect(await yamlText()).toContain('text: Ask legal before changing the replies')
  })

  it('8: starts a new calendar block in the time zone the flow uses, with an id of dashes', async () => {
    await importFlow(`switchboard: 1
id: stuck-zone-twice
name: Zone twice
blocks:
  start:
    type: webchat.trigger
    next: {message: hours}
    ui: {x: 0, y: 0}
  hours:
    type: calendar.hours
    params:
      timezone: Europe/Madrid
      open: {mon-fri: ["09:00-18:00"]}
    ui: {x: 300, y: 0}
`)
    await open('stuck-zone-twice')
    await page.getByPlaceholder('Search blocks').fill('special')
    await page.locator('.palette-item[data-type="calendar.special_days"] .palette-add').click()
    await node('calendar-special-days').waitFor()
    const zone = page.locator('.inspector[data-block="calendar-special-days"] .field[data-path="timezone"]').getByRole('combobox').or(page.locator('.inspector[data-block="calendar-special-days"] .field[data-path="timezone"] input'))
    await expect.poll(() => zone.first().inputValue()).toBe('Europe/Madrid')
  })

  it('9: starts a new flow from an empty canvas when asked, the palette beside it', async () => {
    await page.goto('/')
    await page.getByPlaceholder('id, like facebook-care').fill('stuck-new-from-nothing')
    await page.getByLabel('Start with').selectOption({ label: 'an empty canvas' })
    await page.getByRole('button', { name: 'Create' }).click()
    await page.waitForURL('**/flows/stuck-new-from-nothing')
    await page.locator('.palette').waitFor()
    expect(await page.locator('.react-flow__node').count()).toBe(0)
    expect(await yamlText()).not.toContain('webchat.trigger')
  })
})
