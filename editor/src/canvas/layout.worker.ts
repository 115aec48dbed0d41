// The layout worker: lays a flow out off the main thread, so that the canvas stays responsive
// and the layout can be cancelled (the worker is ended). It answers positions, and tells its
// progress on the way when the algorithm has stages.

import ELK from 'elkjs/lib/elk.bundled.js'
import { fromElkGraph, layoutOrigin, type LayoutReply, type LayoutRequest } from './layout'
import { layeredLayout } from './layered'

const reply = (r: LayoutReply) => self.postMessage(r)

self.onmessage = async (ev: MessageEvent<LayoutRequest>) => {
  const req = ev.data
  try {
    if ('layered' in req) {
      const positions = layeredLayout(req.layered, layoutOrigin, (done) => reply({ id: req.id, progress: done }))
      reply({ id: req.id, positions })
    } else {
      const out = await new ELK().layout(req.elk)
      reply({ id: req.id, positions: fromElkGraph(out) })
    }
  } catch (e) {
    reply({ id: req.id, error: e instanceof Error ? e.message : String(e) })
  }
}
