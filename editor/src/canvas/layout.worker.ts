// The layout worker: runs ELK off the main thread, so that a large flow lays out while the
// canvas stays responsive.

import ELK from 'elkjs/lib/elk.bundled.js'
import type { ElkNode } from 'elkjs/lib/elk-api'

const elk = new ELK()

self.onmessage = async (ev: MessageEvent<{ id: number; graph: ElkNode }>) => {
  const { id, graph } = ev.data
  try {
    const out = await elk.layout(graph)
    self.postMessage({ id, graph: out })
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? e.message : String(e) })
  }
}
