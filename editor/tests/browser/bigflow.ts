// A large flow for the performance test: a web chat trigger and a chain of blocks of the common
// types, laid out on a grid, every block reachable and every exit wired.

const kinds = [
  { type: 'filter.keywords', params: '{rules: [{exit: billing, any: [factura, invoice]}, {exit: sales, any: [precio]}]}', exits: ['billing', 'sales', 'nomatch'] },
  { type: 'condition', params: '{when: "contact.vip"}', exits: ['true', 'false'] },
  { type: 'reply', params: '{text: "Hola {{ contact.name }}, ya te ayudamos."}', exits: ['sent', 'failed'] },
  { type: 'tag', params: '{tags: [vip], important: true}', exits: ['next'] },
  { type: 'set', params: '{vars: {topic: "interaction.kind"}}', exits: ['next'] },
  { type: 'sentiment', params: '{}', exits: ['positive', 'neutral', 'negative'] },
]

/** Returns a valid flow of n blocks as YAML. */
export function bigFlow(id: string, n: number): string {
  const cols = 25
  const lines = [`switchboard: 1`, `id: ${id}`, `name: Big flow (${n} blocks)`, `blocks:`]
  const pos = (i: number) => `{x: ${40 + (i % cols) * 300}, y: ${40 + Math.floor(i / cols) * 220}}`
  lines.push(`  b0:`, `    type: webchat.trigger`, `    next: {message: b1}`, `    ui: ${pos(0)}`)
  for (let i = 1; i < n; i++) {
    const last = i === n - 1
    if (last) {
      lines.push(`  b${i}:`, `    type: end`, `    ui: ${pos(i)}`)
      continue
    }
    const k = kinds[i % kinds.length]
    const next = k.exits.map((e, j) => `${e}: b${Math.min(n - 1, i + 1 + j)}`).join(', ')
    lines.push(`  b${i}:`, `    type: ${k.type}`)
    if (k.params !== '{}') lines.push(`    params: ${k.params}`)
    lines.push(`    next: {${next}}`, `    ui: ${pos(i)}`)
  }
  return lines.join('\n') + '\n'
}
