import { describe, expect, it } from 'vitest'
import type { Diagnostic } from '../api/types'
import { fieldPath } from './paths'

const d = (path: string, code: string, message: string): Diagnostic => ({ file: 'draft.yaml', line: 1, column: 1, severity: 'error', code, path, message })

describe('fieldPath', () => {
  it('places a missing parameter at its field', () => {
    expect(fieldPath(d('blocks.reply.params', 'missing-field', 'the required parameter text is missing: the text'))).toBe('blocks.reply.params.text')
    expect(fieldPath(d('blocks.reply', 'missing-field', 'the required parameter text is missing: the text'))).toBe('blocks.reply.params.text')
    expect(fieldPath(d('blocks.b.params.rules[1]', 'missing-field', 'the required parameter exit is missing: x'))).toBe('blocks.b.params.rules[1].exit')
  })

  it('places an unwired exit at its wire', () => {
    expect(fieldPath({ ...d('blocks.reply.next', 'unwired-exit', 'exit sent of block reply is not wired; a session'), severity: 'warning' })).toBe('blocks.reply.next.sent')
  })

  it('keeps the path of other diagnostics', () => {
    expect(fieldPath(d('blocks.b.params.timezone', 'bad-value', 'unknown time zone'))).toBe('blocks.b.params.timezone')
    expect(fieldPath(d('blocks.b', 'missing-field', 'the required key type is missing'))).toBe('blocks.b')
  })
})
