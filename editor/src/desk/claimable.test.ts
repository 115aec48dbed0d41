import { describe, expect, it } from 'vitest'
import { applyClaimEvent } from './claimable'
import type { QueueEntry } from './types'

const entry = (ref: string) => ({ ref, conversation_id: `c-${ref}`, skill: 'picks' }) as QueueEntry

describe('applyClaimEvent', () => {
  const list = [entry('s1/1'), entry('s2/1')]
  it('drops a conversation no longer to claim, without asking the server', () => {
    expect(applyClaimEvent(list, { type: 'claimable_gone', ref: 's1/1' })).toEqual([entry('s2/1')])
    expect(applyClaimEvent(list, { type: 'claimable_gone', ref: 's9/1' })).toBeNull()
  })
  it('loads the list again for a new one, and not for one it has', () => {
    expect(applyClaimEvent(list, { type: 'claimable', ref: 's3/1' })).toBe('load')
    expect(applyClaimEvent(list, { type: 'claimable', ref: 's2/1' })).toBeNull()
  })
  it('ignores the other events', () => {
    expect(applyClaimEvent(list, { type: 'assigned', ref: 's1/1' })).toBeNull()
  })
})
