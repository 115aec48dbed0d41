// The flow files of the repository read the same in every YAML reader, and the JSON Schema that
// `switchboard schema` writes (docs/switchboard.schema.json) accepts them and rejects broken
// ones, checked with third-party readers: the yaml package as YAML 1.1 (PyYAML and older
// editors read on:, off:, y: and 12:30 as booleans and numbers) and as YAML 1.2, and Ajv.

import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const schema = JSON.parse(readFileSync(`${root}docs/switchboard.schema.json`, 'utf8')) as object
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema)

const exampleDir = `${root}examples/flows/`
const examples = readdirSync(exampleDir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'))

const yaml11 = (text: string): unknown => parse(text, { version: '1.1' })
const yaml12 = (text: string): unknown => parse(text, { version: '1.2' })

function schemaErrors(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

describe('example flows', () => {
  it('are there to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5)
  })
  for (const file of examples) {
    it(`${file} means the same in YAML 1.1 and 1.2, and the schema accepts it`, () => {
      const text = readFileSync(exampleDir + file, 'utf8')
      const old = yaml11(text)
      expect(old).toEqual(yaml12(text))
      expect(schemaErrors(old)).toEqual([])
    })
  }
})

/** A valid flow that the broken cases change one thing of. */
const base = `switchboard: 1
id: schema-check
blocks:
  chat:
    type: webchat.trigger
    next: {message: vip}
  vip:
    type: condition
    params: {when: contact.vip}
    next: {"true": outage, "false": hours}
  outage:
    type: emergency
    params: {switch: outage}
    next: {"on": done, "off": hours}
  hours:
    type: calendar.hours
    params:
      timezone: Europe/Rome
      open: {mon-fri: ["09:00-18:00"]}
    next: {open: done, closed: done}
  done: {type: end, ui: {x: 1, "y": 2}}
`

describe('the JSON Schema', () => {
  it('accepts the base flow in both YAML versions', () => {
    expect(yaml11(base)).toEqual(yaml12(base))
    expect(schemaErrors(yaml11(base))).toEqual([])
  })

  const broken: [string, string, string][] = [
    ['unquoted on/off exits, read by YAML 1.1', '{"on": done, "off": hours}', '{on: done, off: hours}'],
    ['a time range past the end of the day', '"09:00-18:00"', '"25:00-26:00"'],
    ['days of the week that are none', 'mon-fri:', 'weekdays:'],
    ['an unknown exit', 'closed: done', 'shut: done'],
    ['an unknown parameter', 'switch: outage', 'switch: outage, colour: red'],
    ['an unknown block type', 'type: end', 'type: finish'],
    ['another format version', 'switchboard: 1', 'switchboard: 7'],
    ['a time zone that is none', 'Europe/Rome', 'Europe Rome'],
  ]
  for (const [name, from, to] of broken) {
    it(`rejects ${name}`, () => {
      expect(base.split(from).length).toBe(2)
      const value = yaml11(base.replace(from, to))
      expect(schemaErrors(value)).not.toEqual([])
    })
  }
})
