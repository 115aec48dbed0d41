import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { modelFromData } from '../document/model'
import { exampleFlow, testCatalogue } from '../document/testflows'
import { flowSwitches, flowZones, formTime, parseSkills, simulationRequest, triggerChannels, zoneOffset, type SimForm } from './scenario'

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
  zone: '',
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

  it('simulates in the zone of the flow\'s calendar blocks, at its offset on that date', () => {
    const m = modelFromData(parse(exampleFlow('facebook-care')))
    expect(flowZones(m)).toEqual(['America/Argentina/Buenos_Aires'])
    expect(zoneOffset('Europe/Madrid', '2026-01-15', '10:00')).toBe('+01:00')
    expect(zoneOffset('Europe/Madrid', '2026-07-15', '10:00')).toBe('+02:00')
    expect(zoneOffset('Asia/Kolkata', '2026-07-15', '')).toBe('+05:30')
    expect(zoneOffset('UTC', '2026-07-15', '10:00')).toBe('+00:00')
    expect(zoneOffset('Mars/Olympus', '2026-07-15', '10:00')).toBeNull()
    expect(formTime({ ...form, zone: 'Europe/Madrid', date: '2026-07-15' })).toEqual({ at: '2026-07-15T10:00:00+02:00' })
    expect(formTime({ ...form, zone: 'Mars/Olympus' }).error).toMatch(/not a time zone/)
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
