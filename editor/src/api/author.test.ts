import { describe, expect, it } from 'vitest'
import { authorName, authorTokenId } from './author'

describe('recorded authors', () => {
  it('shows a token name without its id, and leaves other names alone', () => {
    expect(authorName('first admin (t_f2cd91a0)')).toBe('first admin')
    expect(authorTokenId('first admin (t_f2cd91a0)')).toBe('t_f2cd91a0')
    expect(authorName('anonymous')).toBe('anonymous')
    expect(authorTokenId('anonymous')).toBeUndefined()
    expect(authorName('ci (deploys) (t_1)')).toBe('ci (deploys)')
    expect(authorName('(t_1)')).toBe('(t_1)')
  })
})
