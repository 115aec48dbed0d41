import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { FlowSummary } from '../api/types'
import { checkField, compatibleFlows, durationSeconds, formValues, settingFields, settingsBody, type FormValue, type SettingsCatalogue } from './settingsForm'

/** The spec as the server serves it; a server test keeps this file true. */
const cat = JSON.parse(readFileSync(fileURLToPath(new URL('./testdata/settings.json', import.meta.url)), 'utf8')) as SettingsCatalogue

const fields = (type: string) => settingFields(cat.channel, type)
const field = (type: string, name: string) => fields(type).find((f) => f.name === name)!
const check = (type: string, name: string, v: FormValue, names: string[] = []) => checkField(field(type, name), v, cat, 'settings.', names)

describe('settings forms from the spec', () => {
  it('gives each channel type its own settings', () => {
    const names = (type: string) => fields(type).map((f) => f.name)
    expect(names('webchat')).toContain('callback_url')
    expect(names('webchat')).not.toContain('human_agent')
    expect(names('webchat')).not.toContain('account_id')
    expect(names('facebook')).toEqual(expect.arrayContaining(['account_id', 'human_agent', 'ring_timeout', 'working_hours']))
    expect(names('facebook')).not.toContain('callback_url')
  })

  it('picks a widget, choices, placeholder and help from each setting', () => {
    expect(field('twitter', 'offer_mode')).toMatchObject({ widget: 'enum', options: ['direct', 'ring'], placeholder: 'direct', label: 'Offer mode' })
    expect(field('twitter', 'ring_timeout')).toMatchObject({ widget: 'duration', placeholder: '30s' })
    expect(field('twitter', 'pause_on_missed_offer').widget).toBe('bool')
    expect(field('twitter', 'queue_limit').widget).toBe('int')
    expect(field('twitter', 'send_rate').widget).toBe('number')
    expect(field('twitter', 'distribution')).toMatchObject({ widget: 'enum-set', maxItems: 2 })
    expect(field('twitter', 'distribution').options).toEqual(['oldest', 'newest', 'account_priority', 'private_first', 'public_first'])
    expect(field('twitter', 'dispositions').widget).toBe('text-list')
    expect(field('twitter', 'working_hours')).toMatchObject({ widget: 'reference', refers: 'calendar' })
    expect(field('twitter', 'service_level_seconds').help).toMatch(/answered in time/)
    expect(settingFields(cat.skill, null).map((f) => [f.name, f.widget])).toEqual([
      ['description', 'text'],
      ['dispositions', 'text-list'],
      ['require_accept', 'bool'],
      ['strategy', 'enum'],
      ['groups', 'text-list'],
      ['assignment_limit', 'int'],
      ['assignment_window', 'duration'],
      ['router_url', 'text'],
      ['router_timeout', 'duration'],
    ])
  })

  it('refuses what the server refuses, naming the field', () => {
    expect(check('facebook', 'ring_timeout', 'thirty')).toBe(
      'settings.ring_timeout: must be a duration of at least 1s and at most 1h0m0s (such as 30s or 2m, or a number of seconds), got "thirty"',
    )
    expect(check('facebook', 'ring_timeout', '0')).toMatch(/^settings\.ring_timeout: .* got 0$/)
    expect(check('facebook', 'ring_timeout', '2h')).toMatch(/at most 1h0m0s/)
    expect(check('facebook', 'offer_mode', 'rings')).toMatch(/must be one of direct, ring, got "rings"/)
    expect(check('facebook', 'queue_limit', '-5')).toBe('settings.queue_limit: must be a whole number from 1 to 10000, got -5')
    expect(check('facebook', 'queue_limit', '2.5')).toMatch(/whole number/)
    expect(check('facebook', 'service_level_seconds', '-60')).toMatch(/got -60/)
    expect(check('twitter', 'send_rate', '0')).toBe('settings.send_rate: must be a number from 0.001 to 10000, got 0')
    expect(check('twitter', 'send_rate', 'fast')).toBe('settings.send_rate: must be a number from 0.001 to 10000, got "fast"')
    expect(check('twitter', 'send_rate', '0.22')).toBeNull()
    expect(check('webchat', 'callback_url', "' OR '1'='1")).toMatch(/^settings\.callback_url: .* is not an absolute http or https URL/)
    expect(check('webchat', 'callback_url', 'ftp://example.com/x')).toMatch(/http or https/)
    expect(check('facebook', 'distribution', ['oldest', 'newest'])).toBe('settings.distribution: cannot hold both oldest and newest, which contradict each other')
    expect(check('facebook', 'distribution', ['account_priority', 'private_first', 'oldest'])).toMatch(/at most 2/)
    expect(check('facebook', 'dispositions', 'solved, 2bad')).toMatch(/^settings\.dispositions\[1\]:/)
    expect(check('facebook', 'working_hours', 'night-shift', ['support-hours'])).toBe('settings.working_hours: there is no calendar "night-shift"; create it first')
  })

  it('takes what the docs show', () => {
    const good: Record<string, FormValue> = {
      account_id: '104857600000001', base_url: 'http://127.0.0.1:9000/v21.0', human_agent: true, offer_mode: 'ring',
      ring_timeout: '45', pause_on_missed_offer: true, queue_limit: '5', distribution: ['private_first', 'oldest'],
      account_priority: '10', dispositions: 'solved, no_answer', require_contact: false, service_level_seconds: '90', working_hours: 'support-hours',
    }
    const { settings, errors } = settingsBody(fields('facebook'), good, cat, 'settings.', ['support-hours'])
    expect(errors).toEqual({})
    expect(settings).toEqual({
      account_id: '104857600000001', base_url: 'http://127.0.0.1:9000/v21.0', human_agent: true, offer_mode: 'ring',
      ring_timeout: 45, pause_on_missed_offer: true, queue_limit: 5, distribution: ['private_first', 'oldest'],
      account_priority: 10, dispositions: ['solved', 'no_answer'], service_level_seconds: 90, working_hours: 'support-hours',
    })
    expect(settingsBody(fields('facebook'), { ring_timeout: '1m30s', queue_limit: '' }, cat, 'settings.').settings).toEqual({ ring_timeout: '1m30s' })
    expect(settingsBody(fields('twitter'), { send_rate: '0.25', send_burst: '10' }, cat, 'settings.').settings).toEqual({ send_rate: 0.25, send_burst: 10 })
    expect(settingsBody(fields('facebook'), { queue_limit: '-1' }, cat, 'settings.').errors).toEqual({
      queue_limit: 'settings.queue_limit: must be a whole number from 1 to 10000, got -1',
    })
  })

  it('reads stored settings into the form', () => {
    expect(formValues(fields('facebook'), { ring_timeout: 45, human_agent: true, distribution: ['newest'], dispositions: ['a', 'b'], unknown: 1 })).toEqual({
      ring_timeout: '45',
      human_agent: true,
      distribution: ['newest'],
      dispositions: 'a, b',
    })
  })

  it('reads durations as the server does', () => {
    expect(durationSeconds('1h30m')).toBe(5400)
    expect(durationSeconds('2d')).toBe(172800)
    expect(durationSeconds('soon')).toBeNull()
    expect(durationSeconds('')).toBeNull()
  })
})

describe('the default flow picker', () => {
  const flow = (id: string, triggers: string[]): FlowSummary => ({
    id, name: id, description: '', format: 'yaml', revision: 1, latest_version: 1, updated_at: '', updated_by: '', triggers,
  })
  const flows = [flow('greeting', ['webchat']), flow('page-care', ['facebook']), flow('everywhere', ['facebook', 'webchat']), flow('empty', [])]

  it('lists only the flows with a trigger for the channel type', () => {
    expect(compatibleFlows(flows, 'facebook').map((f) => f.id)).toEqual(['page-care', 'everywhere'])
    expect(compatibleFlows(flows, 'webchat').map((f) => f.id)).toEqual(['greeting', 'everywhere'])
    expect(compatibleFlows(flows, 'twitter')).toEqual([])
  })

  it('keeps the current flow listed, so the picker shows what is set', () => {
    expect(compatibleFlows(flows, 'facebook', 'greeting').map((f) => f.id)).toEqual(['greeting', 'page-care', 'everywhere'])
  })

  it('reads a list of names at commas and spaces, and a list of phrases at commas only', () => {
    expect(settingsBody(fields('facebook'), { dispositions: 'solved no_answer, later' }, cat, 'settings.').settings).toEqual({
      dispositions: ['solved', 'no_answer', 'later'],
    })
    const workspace = settingFields(cat.workspace ?? [], null)
    expect(workspace.map((f) => f.name)).toEqual(['break_reasons'])
    expect(settingsBody(workspace, { break_reasons: 'lunch,  Coaching: 1:1 ,' }, cat, '')).toEqual({
      settings: { break_reasons: ['lunch', 'Coaching: 1:1'] },
      errors: {},
    })
    expect(settingsBody(workspace, { break_reasons: 'lunch, a, b' + ', x'.repeat(20) }, cat, '').errors.break_reasons).toMatch(/^break_reasons/)
  })
})
