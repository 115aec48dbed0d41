// Who did something, as the server records it: a token's name followed by its id in
// parentheses, "first admin (t_f2cd…)". People read the name; the id is kept for a tooltip.

const withTokenId = /^(.*\S)\s+\((t_[^()\s]+)\)$/

/** The name people read for a recorded author: the token's name without its id. */
export function authorName(by: string): string {
  const m = withTokenId.exec(by)
  return m ? m[1] : by
}

/** The token id in a recorded author, or undefined when it has none. */
export function authorTokenId(by: string): string | undefined {
  return withTokenId.exec(by)?.[2]
}
