import { describe, expect, it } from 'vitest'
import { testCatalogue } from '../document/testflows'
import { completionsAt } from './completion'
import { splitPasted } from './form'
import { describeDateSpec, formatDateSpec, parseDateSpec } from './dateSpec'
import { clockRangeError, compressWeek, expandWeek, isOvernight, parseWeekdays } from './weeklyHours'

describe('weekly hours', () => {
  it('reads sets of days as the engine does, ranges wrapping past Sunday', () => {
    expect(parseWeekdays('mon-fri')).toEqual([true, true, true, true, true, false, false])
    expect(parseWeekdays('sat,sun')).toEqual([false, false, false, false, false, true, true])
    expect(parseWeekdays('fri-mon')).toEqual([true, false, false, false, true, true, true])
    expect(parseWeekdays('mon-wed,fri')).toEqual([true, true, true, false, true, false, false])
    expect(parseWeekdays('monday')).toBeNull()
  })

  it('spreads hours over the days and groups them back', () => {
    const open = { 'mon-fri': ['09:00-13:00', '14:00-18:00'], sat: ['10:00-13:00'] }
    const days = expandWeek(open)!
    expect(days[0]).toEqual(['09:00-13:00', '14:00-18:00'])
    expect(days[5]).toEqual(['10:00-13:00'])
    expect(days[6]).toEqual([])
    expect(compressWeek(days)).toEqual(open)
    days[2] = ['09:00-18:00']
    expect(compressWeek(days)).toEqual({
      'mon,tue,thu,fri': ['09:00-13:00', '14:00-18:00'],
      wed: ['09:00-18:00'],
      sat: ['10:00-13:00'],
    })
    expect(expandWeek({ someday: ['09:00-10:00'] })).toBeNull()
  })

  it('checks time ranges', () => {
    expect(clockRangeError('22:00-02:00')).toBeUndefined()
    expect(clockRangeError('09:00-24:00')).toBeUndefined()
    expect(clockRangeError('25:00-26:00')).toMatch(/does not exist/)
    expect(clockRangeError('9-17')).toMatch(/HH:MM-HH:MM/)
  })
})

describe('special days', () => {
  it('reads, writes and describes dates, ranges and yearly dates', () => {
    expect(parseDateSpec('2026-12-25')).toEqual({ kind: 'date', from: '2026-12-25' })
    expect(parseDateSpec('12-24..01-06')).toEqual({ kind: 'yearly-range', from: '12-24', to: '01-06' })
    expect(parseDateSpec('2026-12-24..12-31')).toBeNull()
    expect(formatDateSpec({ kind: 'range', from: '2026-12-24', to: '2026-12-31' })).toBe('2026-12-24..2026-12-31')
    expect(describeDateSpec('12-24..01-06')).toBe('every year, Dec 24 to Jan 6')
    expect(describeDateSpec('2026-03-24')).toBe('Mar 24, 2026')
  })
})

describe('expression completion', () => {
  const { environment, functions } = testCatalogue()
  const labels = (before: string, template = false) =>
    completionsAt(before, environment, functions, ['brand', 'keyword'], template)?.items.map((c) => c.label) ?? []

  it('offers the roots and functions, then the fields of a root', () => {
    expect(labels('')).toEqual(expect.arrayContaining(['interaction', 'contact', 'vars', 'now', 'flow', 'fold(', 'has_word(']))
    expect(labels('inter')).toEqual(['interaction'])
    expect(labels('contact.v')).toEqual(['contact.vip'])
    expect(labels('interaction.author.')).toEqual(['interaction.author.id', 'interaction.author.name', 'interaction.author.handle'])
    expect(labels('contact.vip && vars.')).toEqual(['vars.brand', 'vars.keyword'])
    expect(labels('vars')).toEqual(['vars.brand', 'vars.keyword'])
  })

  it('replaces the word being typed', () => {
    expect(completionsAt('x == contact.na', environment, functions, [], false)?.from).toBe(5)
  })

  it('completes templates only inside a {{ hole }}', () => {
    expect(labels('Hola contact.', true)).toEqual([])
    expect(labels('Hola {{ contact.na', true)).toEqual(['contact.name'])
    expect(labels('Hola {{ contact.name }} y ', true)).toEqual([])
  })
})

describe('pasting into a list of texts', () => {
  it('splits a pasted list on commas and lines, and keeps a single entry whole', () => {
    expect(splitPasted('reclamación, queja')).toEqual(['reclamación', 'queja'])
    expect(splitPasted('factura\nrecibo\r\n, pago ,')).toEqual(['factura', 'recibo', 'pago'])
    expect(splitPasted('mi factura')).toBeNull()
    expect(splitPasted(' , \n')).toBeNull()
  })
})

describe('overnight ranges', () => {
  it('tells a range that closes the next day from one that closes the same day', () => {
    expect(isOvernight('13:00-09:00')).toBe(true)
    expect(isOvernight('22:00-06:00')).toBe(true)
    expect(isOvernight('09:00-13:00')).toBe(false)
    expect(isOvernight('18:00-24:00')).toBe(false)
    expect(isOvernight('25:00-09:00')).toBe(false)
  })
})
