import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { modelFromData } from '../document/model'
import { exampleFlow, testCatalogue } from '../document/testflows'
import { flowSwitches, formTime, parseSkills, simulationRequest, triggerChannels, type SimForm } from './scenario'

const types = new Map(testCatalogue().blocks.map((b) => [b.type, b]))

const form: SimForm = {
  channel: 'facebook',
  kind: 'comment',
  text: 'necesito la factura',
  authorName: 'Ana',
  authorId: '7001',
  handle: '',
  date: '2026-11-17',
  time: '10:00',
  offset: '-03:00',
  contactName: '',
  vip: true,
  agents: [{ id: 'a1', skills: 'billing:12, general', state: 'available' }, { id: '', skills: '', state: '' }],
  emergency: { outage: false },
}

describe('the simulation form', () => {
  it('finds the channels and kinds of the flow triggers, and its switches', () => {
    const m = modelFromData(parse(exampleFlow('messenger-instagram-care')))
    expect(triggerChannels(m, types)).toEqual([
      { channel: 'facebook', kinds: ['message'] },
      { channel: 'instagram', kinds: ['message'] },
    ])
    expect(flowSwitches(modelFromData(parse(exampleFlow('facebook-care'))))).toEqual(['outage'])
  })

  it('reads skills and times', () => {
    expect(parseSkills('billing:12, general')).toEqual({ billing: 12, general: 10 })
    expect(formTime(form)).toEqual({ at: '2026-11-17T10:00:00-03:00' })
    expect(formTime({ ...form, offset: '3' }).error).toMatch(/UTC offset/)
  })

  it('makes the request of the unsaved source', () => {
    expect(simulationRequest(form, 'switchboard: 1')).toEqual({
      source: 'switchboard: 1',
      format: 'yaml',
      at: '2026-11-17T10:00:00-03:00',
      interaction: { channel: 'facebook', kind: 'comment', text: 'necesito la factura', author: { id: '7001', name: 'Ana', handle: undefined } },
      agents: [{ id: 'a1', skills: { billing: 12, general: 10 } }],
      emergency: { outage: false },
      contact: { name: 'Ana', vip: true },
    })
  })
})
