import { describe, expect, it } from 'vitest'
import type { ParamInfo } from '../catalogue/catalogue'
import { testCatalogue } from '../document/testflows'
import { asList, durationError, fieldFor, formFor, fromList, newItem, parseNumber, pathString, widgetOf } from './form'

const catalogue = testCatalogue()
const form = (type: string) => formFor(catalogue.blocks.find((b) => b.type === type)!)
const field = (type: string, name: string) => form(type).find((f) => f.name === name)!

describe('form generation from parameter specs', () => {
  it('gives every parameter of every built-in block a widget other than raw YAML', () => {
    for (const b of catalogue.blocks) {
      for (const f of formFor(b)) expect(`${b.type}.${f.name}: ${f.widget}`).not.toMatch(/: yaml$/)
    }
  })

  it('makes keyword rules a list of objects with an exit field and word lists', () => {
    const rules = field('filter.keywords', 'rules')
    expect(rules).toMatchObject({ widget: 'object-list', required: true, label: 'Rules' })
    expect(rules.fields!.map((f) => [f.name, f.widget, f.required])).toEqual([
      ['exit', 'text', true],
      ['any', 'text-list', false],
      ['all', 'text-list', false],
      ['none', 'text-list', false],
    ])
    expect(rules.fields![0].format).toBe('exit')
    expect(newItem(rules.fields!)).toEqual({ exit: '' })
  })

  it('gives calendar.hours a weekly-hours editor and a time zone with suggestions', () => {
    expect(field('calendar.hours', 'open')).toMatchObject({ widget: 'weekly-hours', keyFormat: 'weekdays' })
    expect(field('calendar.hours', 'timezone')).toMatchObject({ widget: 'text', suggest: 'timezone', placeholder: 'America/Argentina/Buenos_Aires' })
    expect(field('calendar.hours', 'calendar').suggest).toBe('calendar')
    expect(field('calendar.hours', 'at')).toMatchObject({ widget: 'expression', placeholder: 'now', defaultValue: 'now' })
  })

  it('gives calendar.special_days a date list', () => {
    expect(field('calendar.special_days', 'dates')).toMatchObject({ widget: 'date-list' })
    expect(field('calendar.special_days', 'country').suggest).toBe('country')
  })

  it('reads kinds, defaults, choices and bounds', () => {
    expect(field('route.skill', 'timeout')).toMatchObject({ widget: 'duration', placeholder: '15m', min: 1 })
    expect(field('route.skill', 'priority')).toMatchObject({ widget: 'expression', exprType: 'int' })
    expect(field('route.skill', 'preferred_agent')).toMatchObject({ widget: 'bool', defaultValue: true })
    expect(field('route.skill', 'skill')).toMatchObject({ widget: 'template', suggest: 'skill' })
    expect(field('reply', 'visibility')).toMatchObject({ widget: 'enum', options: ['same', 'public', 'private'], defaultValue: 'same' })
    expect(field('reply', 'text')).toMatchObject({ widget: 'text-list', orSingle: true, required: true })
    expect(field('reply', 'text').item!.widget).toBe('template')
    expect(field('reply', 'attachments').fields!.map((f) => f.widget)).toEqual(['enum', 'template'])
    expect(field('facebook.trigger', 'events')).toMatchObject({ widget: 'enum-set', options: ['post', 'comment', 'message'] })
    expect(field('sentiment', 'positive')).toMatchObject({ widget: 'number', min: -1, max: 1 })
    expect(field('subflow', 'version')).toMatchObject({ widget: 'int', min: 0 })
    expect(field('subflow', 'flow').suggest).toBe('flow')
    expect(field('set', 'vars')).toMatchObject({ widget: 'map', keyFormat: 'identifier' })
    expect(field('set', 'vars').item!.widget).toBe('expression')
    expect(field('http', 'headers').item!.widget).toBe('template')
    expect(field('emergency', 'switch').suggest).toBe('switch')
  })

  it('falls back to YAML for shapes it has no widget for', () => {
    const odd: ParamInfo = { name: 'matrix', kind: 'list', elem: { kind: 'list', elem: { kind: 'int' } } }
    expect(widgetOf(odd)).toBe('yaml')
    expect(fieldFor({ name: 'blob', kind: 'map', elem: { kind: 'object', fields: [] } }).widget).toBe('yaml')
  })

  it('writes paths as diagnostics name them', () => {
    expect(pathString(['rules', 0, 'exit'])).toBe('rules[0].exit')
    expect(pathString(['open', 'mon-fri', 1])).toBe('open.mon-fri[1]')
  })

  it('reads lists that may be one element, and writes them back', () => {
    expect(asList('hola')).toEqual(['hola'])
    expect(asList(undefined)).toEqual([])
    expect(asList('')).toEqual([''])
    expect(fromList(['hola'], true)).toBe('hola')
    expect(fromList(['hola'], false)).toEqual(['hola'])
    expect(fromList([], true)).toBeUndefined()
  })

  it('checks numbers and durations as the server does', () => {
    const version = field('subflow', 'version')
    expect(parseNumber('3', version)).toEqual({ value: 3 })
    expect(parseNumber('1.5', version).error).toMatch(/whole number/)
    expect(parseNumber('-1', version).error).toBe('at least 0')
    expect(parseNumber('', version)).toEqual({})
    for (const ok of ['90s', '15m', '1h30m', '7d', '1d12h', '1.5h']) expect(durationError(ok)).toBeUndefined()
    for (const bad of ['15', '15x', 'm', '1 h']) expect(durationError(bad)).toMatch(/not a duration/)
  })
})
