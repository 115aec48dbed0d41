// The canvas: the flow's blocks and wires in React Flow. Blocks come from the palette by drag
// and drop, wires from dragging an exit's handle to a block; moves are committed when a drag
// ends, so dragging stays fast on large flows. Only what is in view is rendered.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent as ReactMouseEvent } from 'react'
import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useStore as useRFStore,
  useStoreApi,
  useReactFlow,
  type Connection,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react'
import { useDoc, useModel } from '../document/store'
import type { Position as Point } from '../document/model'
import { BlockNode, farSelector } from './BlockNode'
import { fitFlow } from './fit'
import { NoteNode } from './NoteNode'
import { OverviewMap } from './OverviewMap'
import { nodesNear, regionAround, serves, viewRegion, wiresNear, type Region } from './nearWires'
import { blockAt, FarLayer, farLayerMin, farScene } from './FarLayer'
import { useT } from '../i18n/I18n'
import { paintDone, paintPending, pointerHeld } from '../document/idle'
import {
  createGraphBuilder,
  isNoteNodeId,
  noteIdOf,
  type CanvasNode,
  type GraphInput,
  type Wire,
} from './graph'

const nodeTypes = { block: BlockNode, note: NoteNode }

/** The type of data dragged from the palette. */
export const blockDragType = 'application/x-switchboard-block'

/** Flows with more blocks open at zoom 1 on their first blocks rather than fitted. */
const fitLimit = 60

/** Merges freshly built nodes into React Flow's: unchanged ones stay the same objects, and
 * what React Flow knows and the model does not (measures, selection, a drag) is kept. */
function mergeNodes(prev: CanvasNode[], next: CanvasNode[]): CanvasNode[] {
  const old = new Map(prev.map((n) => [n.id, n]))
  let same = prev.length === next.length
  const out = next.map((n, i) => {
    const p = old.get(n.id)
    if (!p) {
      same = false
      return n
    }
    if (p.dragging) return p
    if (p === n || (p.data === n.data && p.position.x === n.position.x && p.position.y === n.position.y && p.width === n.width && p.height === n.height)) {
      if (prev[i] !== p) same = false
      return p
    }
    same = false
    return measuredNode({ ...n, measured: p.measured, selected: p.selected, hidden: p.hidden } as CanvasNode)
  })
  return same ? prev : out
}

/** Hides the blocks and notes, or the wires (the far layer draws them), or shows them again. */
function withHidden<T extends CanvasNode | Wire>(items: T[], hidden: boolean): T[] {
  let same = true
  const out = items.map((n) => {
    if (Boolean(n.hidden) === hidden) return n
    same = false
    return { ...n, hidden }
  })
  return same ? items : out
}

/** Marks the blocks of a selection selected, and the others not (notes keep theirs). */
function withSelection(nodes: CanvasNode[], want: Set<string>): CanvasNode[] {
  let same = true
  const out = nodes.map((n) => {
    if (n.type !== 'block' || Boolean(n.selected) === want.has(n.id)) return n
    same = false
    return { ...n, selected: want.has(n.id) }
  })
  return same ? nodes : out
}

/** Drops the estimated handles of a block the browser has measured, so that React Flow keeps
 * the measured ones. */
function measuredNode(n: CanvasNode): CanvasNode {
  if (!n.measured?.width || !n.handles) return n
  const copy = { ...n }
  delete copy.handles
  return copy
}

/** Merges freshly built wires into React Flow's, keeping their selection; prev itself when
 * nothing changed, so that React Flow does not index thousands of wires again after an edit
 * that left them as they were. */
function mergeEdges(prev: Wire[], next: Wire[]): Wire[] {
  const old = new Map(prev.map((e) => [e.id, e]))
  let same = prev.length === next.length
  const out = next.map((e, i) => {
    const p = old.get(e.id)
    if (!p) {
      same = false
      return e
    }
    if (p.data === e.data && p.source === e.source && p.target === e.target && p.className === e.className) {
      if (prev[i] !== p) same = false
      return p
    }
    same = false
    return { ...e, selected: p.selected, hidden: p.hidden }
  })
  return same ? prev : out
}

export interface CanvasProps {
  readOnly: boolean
}

export function Canvas({ readOnly }: CanvasProps) {
  const t = useT()
  const ariaLabels = useMemo(
    () => ({
      'node.a11yDescription.default': t('canvas.a11y.node'),
      'node.a11yDescription.keyboardDisabled': t('canvas.a11y.nodeKeyboard'),
      'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }: { direction: string; x: number; y: number }) => t('canvas.a11y.moved', { direction, x, y }),
      'edge.a11yDescription.default': t('canvas.a11y.edge'),
      'controls.ariaLabel': t('canvas.controls'),
      'controls.zoomIn.ariaLabel': t('canvas.zoomIn'),
      'controls.zoomOut.ariaLabel': t('canvas.zoomOut'),
      'controls.fitView.ariaLabel': t('canvas.fitView'),
      'controls.interactive.ariaLabel': t('canvas.interactive'),
      'minimap.ariaLabel': t('canvas.minimap'),
      'handle.ariaLabel': t('canvas.handle'),
    }),
    [t],
  )
  const docModel = useModel()
  const types = useDoc((s) => s.types)
  const diagnostics = useDoc((s) => s.diagnostics)
  const selection = useDoc((s) => s.selection)
  const trace = useDoc((s) => s.trace)
  const traceStep = useDoc((s) => s.traceStep)
  const diffView = useDoc((s) => s.diffView)
  const focus = useDoc((s) => s.focus)
  const flow = useReactFlow<CanvasNode, Wire>()
  const far = useRFStore(farSelector)
  const layered = far && docModel.blocks.length > farLayerMin
  const layeredRef = useRef(layered)
  layeredRef.current = layered

  const store = useStoreApi<CanvasNode, Wire>()

  const builder = useMemo(() => createGraphBuilder(), [])
  const graph = useMemo(() => {
    const input: GraphInput = {
      model: diffView ? diffView.to : docModel,
      types,
      diagnostics: diffView ? [] : diagnostics,
      readOnly: readOnly || diffView !== null,
      trace: diffView ? null : trace,
      traceStep,
      diff: diffView ? { from: diffView.from, diff: diffView.diff } : null,
    }
    return builder(input)
  }, [builder, docModel, types, diagnostics, readOnly, trace, traceStep, diffView])

  // React Flow keeps the nodes (uncontrolled), so that a drag moves a block without rendering
  // this component; the model's changes are merged into its nodes, and so is a selection made
  // outside the canvas (problems list, find, paste): one made on the canvas is there already
  // open a flow fitted to the view, or a large one at zoom 1 on its first blocks
  const [initialView] = useState(() => {
    if (docModel.blocks.length <= fitLimit) return undefined
    const first = graph.nodes.find((n) => n.type === 'block')
    return first ? { x: 40 - first.position.x, y: 80 - first.position.y, zoom: 1 } : undefined
  })

  // on a large flow React Flow has the blocks, notes and wires near the view only (see
  // nearWires), and those it must keep: the selected ones, one being dragged, the one brought
  // into view
  const large = docModel.blocks.length > farLayerMin
  const largeRef = useRef(large)
  largeRef.current = large
  const region = useRef<Region | null>(null)
  const focusRef = useRef(focus)
  focusRef.current = focus
  const [initial] = useState(() => {
    if (!large) return graph
    const v = initialView ?? { x: 0, y: 0, zoom: 1 }
    region.current = regionAround(viewRegion([v.x, v.y, v.zoom], window.innerWidth, window.innerHeight))
    const edges = wiresNear(graph.nodes, graph.edges, region.current)
    return { nodes: nodesNear(graph.nodes, edges, region.current, new Set(selection)), edges }
  })
  /** The blocks, notes and wires of a graph React Flow is given: near the view on a large flow. */
  const near = useCallback(
    (g: typeof graph): { nodes: CanvasNode[]; edges: Wire[] } => {
      if (!largeRef.current) return g
      const s = store.getState()
      if (s.width && s.height) {
        const view = viewRegion(s.transform, s.width, s.height)
        if (!serves(region.current, view)) region.current = regionAround(view)
      }
      if (!region.current) return g
      const edges = wiresNear(g.nodes, g.edges, region.current)
      const keep = new Set(useDoc.getState().selection)
      for (const n of s.nodes) if (n.selected || n.dragging) keep.add(n.id)
      if (focusRef.current) keep.add(focusRef.current.id)
      return { nodes: nodesNear(g.nodes, edges, region.current, keep), edges }
    },
    [store],
  )
  const synced = useRef(graph)
  // Fit View takes in every block, not only those React Flow has
  const fit = useCallback((animate: boolean) => fitFlow(flow, store.getState(), animate, synced.current.nodes), [flow, store])
  useLayoutEffect(() => {
    const changed = synced.current !== graph
    synced.current = graph
    const want = new Set(selection)
    const current = flow.getNodes()
    const differs =
      current.some((n) => n.type === 'block' && Boolean(n.selected) !== want.has(n.id)) ||
      selection.some((id) => !current.some((n) => n.id === id))
    const hide = layeredRef.current
    const hiddenDiffers = current.some((n) => Boolean(n.hidden) !== hide)
    if (!changed && !differs && !hiddenDiffers) return
    // the blocks near the view are given again when the graph changed, when a block selected
    // outside the canvas is not among them, and when the far layer gives way to them; far out,
    // where the far layer draws them all, React Flow keeps those it has, hidden
    const g = hide ? null : near(graph)
    flow.setNodes((prev) => {
      let next = prev
      if (g) next = mergeNodes(prev, g.nodes)
      else if (changed) {
        const had = new Set(prev.map((n) => n.id))
        next = mergeNodes(prev, graph.nodes.filter((n) => had.has(n.id)))
      }
      return withHidden(withSelection(next, want), hide)
    })
    // far out, React Flow is given no wires at all (the far layer draws them): it would look
    // at each of thousands of them on every frame of a pan to tell whether it is in view
    if (changed || hiddenDiffers) {
      const prev = flow.getEdges()
      const next = g ? mergeEdges(prev, g.edges) : prev.length === 0 ? prev : []
      if (next !== prev) flow.setEdges(next)
    }
  }, [graph, selection, flow, layered, near])

  // as the view moves on a large flow, the blocks and wires of the area it reaches replace those
  // of the area it left (once per view's length of panning, not each frame)
  useEffect(() => {
    if (!large) {
      region.current = null
      return
    }
    let frame = 0
    const check = () => {
      frame = 0
      const s = store.getState()
      if (layeredRef.current || !s.width || !s.height || serves(region.current, viewRegion(s.transform, s.width, s.height))) return
      const g = near(synced.current)
      flow.setNodes((prev) => mergeNodes(prev, g.nodes))
      const prev = flow.getEdges()
      const next = mergeEdges(prev, g.edges)
      if (next !== prev) flow.setEdges(next)
    }
    let seen = store.getState()
    const stop = store.subscribe((s) => {
      if (s.transform === seen.transform && s.width === seen.width && s.height === seen.height) return
      seen = s
      if (!frame) frame = requestAnimationFrame(check)
    })
    check()
    return () => {
      stop()
      if (frame) cancelAnimationFrame(frame)
    }
  }, [large, store, flow, near])

  // far out on a large flow, one canvas draws the blocks and wires: a click on a block there
  // selects it and zooms in on it
  const scene = useMemo(() => (layered ? farScene(graph.nodes, graph.edges, new Set(selection)) : null), [layered, graph, selection])
  const onPaneClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!scene) return
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY })
      const id = blockAt(scene, p.x, p.y)
      if (!id) return
      useDoc.getState().select([id])
      useDoc.getState().focusBlock(id)
    },
    [scene, flow],
  )

  const locked = readOnly || diffView !== null

  // the selection made on the canvas, read when React Flow changes it (its onSelectionChange
  // would look through every block and wire on each change of its store, each frame of a pan)
  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      if (!changes.some((c) => c.type === 'select')) return
      // the store's nodes themselves: getNodes would copy each of thousands
      useDoc
        .getState()
        .select(store.getState().nodes.filter((n) => n.selected && n.type === 'block' && !n.id.startsWith('was:')).map((n) => n.id))
    },
    [store],
  )

  const onDragStop = useCallback((_: unknown, _node: CanvasNode, dragged: CanvasNode[]) => {
    const blocks: Record<string, Point> = {}
    const notes: Record<string, Point> = {}
    for (const n of dragged) {
      if (isNoteNodeId(n.id)) notes[noteIdOf(n.id)] = n.position
      else blocks[n.id] = n.position
    }
    useDoc.getState().moveItems({ blocks, notes })
  }, [])

  const onDelete = useCallback(({ nodes: ns, edges: es }: { nodes: CanvasNode[]; edges: Wire[] }) => {
    const blocks = ns.filter((n) => n.type === 'block').map((n) => n.id)
    const notes = ns.filter((n) => n.type === 'note').map((n) => noteIdOf(n.id))
    const wires = es
      .filter((e) => !blocks.includes(e.source) && e.sourceHandle)
      .map((e) => ({ source: e.source, exit: e.sourceHandle as string }))
    useDoc.getState().deleteItems({ blocks, notes, wires })
  }, [])

  const onConnect = useCallback((c: Connection) => {
    if (c.sourceHandle && c.target && !isNoteNodeId(c.target)) useDoc.getState().connect(c.source, c.sourceHandle, c.target)
  }, [])

  // a wire dropped where it connects to nothing is not lost silently: the canvas says why
  const [wireHint, setWireHint] = useState(false)
  const onConnectStart = useCallback(() => setWireHint(false), [])
  const onConnectEnd = useCallback((_: MouseEvent | TouchEvent, c: FinalConnectionState) => {
    setWireHint(!c.isValid)
  }, [])

  const onReconnect = useCallback((old: Wire, c: Connection) => {
    if (!old.sourceHandle || !c.target || isNoteNodeId(c.target)) return
    const d = useDoc.getState()
    if (c.source === old.source && c.sourceHandle === old.sourceHandle) d.connect(old.source, old.sourceHandle, c.target)
  }, [])

  const isValidConnection = useCallback(
    (c: Connection | Wire) => Boolean(c.sourceHandle) && !isNoteNodeId(c.target) && !c.target.startsWith('was:'),
    [],
  )

  // Tab visits the blocks in the document's order, each followed by its wires; from the last
  // block or wire it leaves the canvas as the browser would from the last block
  const canvasRef = useRef<HTMLDivElement>(null)
  const onKeyDownCapture = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey || !canvasRef.current) return
      const active = document.activeElement
      if (!(active instanceof HTMLElement || active instanceof SVGElement) || !active.matches('.react-flow__node, .react-flow__edge')) return
      const order = tabOrder(canvasRef.current, flow.getEdges())
      const i = order.indexOf(active)
      const next = i < 0 ? undefined : order[i + (e.shiftKey ? -1 : 1)]
      if (next) {
        e.preventDefault()
        e.stopPropagation()
        next.focus()
        return
      }
      const nodes = canvasRef.current.querySelectorAll<HTMLElement>('.react-flow__node')
      const edge = e.shiftKey ? nodes[0] : nodes[nodes.length - 1]
      if (edge && edge !== active) edge.focus()
    },
    [flow],
  )

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(blockDragType)) {
      e.preventDefault()
      e.dataTransfer.dropEffect = 'copy'
    }
  }, [])

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(blockDragType)
      if (!type || locked) return
      e.preventDefault()
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY })
      useDoc.getState().addBlock(type, { x: p.x - 90, y: p.y - 30 })
    },
    [flow, locked],
  )

  // a comparison opens fitted, so that every change is in view
  useEffect(() => {
    if (!diffView) return
    const id = requestAnimationFrame(() => requestAnimationFrame(() => fit(true)))
    return () => cancelAnimationFrame(id)
  }, [diffView, fit])

  // bring a block into view when asked (problems list, find, trace); on a large flow React Flow
  // may not have it yet, the graph does
  useEffect(() => {
    if (!focus) return
    const n = flow.getInternalNode(focus.id)
    const built = n ? null : synced.current.nodes.find((b) => b.id === focus.id)
    const at = n ? n.internals.positionAbsolute : built?.position
    if (!at) return
    const w = n?.measured.width ?? built?.initialWidth ?? 180
    const h = n?.measured.height ?? built?.initialHeight ?? 100
    void flow.setCenter(at.x + w / 2, at.y + h / 2, {
      zoom: Math.max(flow.getZoom(), 1),
      duration: 250,
    })
  }, [focus, flow])

  // the browser tests compare the handles estimated for a block with those drawn, and print
  // what the canvas holds when one fails
  useEffect(() => {
    const w = window as unknown as { switchboardEstimatedHandles?: (id: string) => unknown; switchboardCanvasState?: () => unknown }
    w.switchboardEstimatedHandles = (id: string) => flow.getNode(id)?.handles
    w.switchboardCanvasState = () => {
      const s = store.getState()
      const d = useDoc.getState()
      return {
        selection: d.selection,
        canvasSelected: s.nodes.filter((n) => n.selected).map((n) => n.id),
        lookupSelected: [...s.nodeLookup.values()].filter((n) => n.selected).map((n) => n.id),
        multiSelectionActive: s.multiSelectionActive,
        nodesSelectionActive: s.nodesSelectionActive,
        userSelectionActive: s.userSelectionActive,
        dragging: s.nodes.filter((n) => n.dragging).map((n) => n.id),
        connecting: s.connection.inProgress,
        paneDragging: s.paneDragging,
        trace: d.trace !== null,
        diff: d.diffView !== null,
        pointerHeld: pointerHeld(),
      }
    }
    return () => {
      delete w.switchboardEstimatedHandles
      delete w.switchboardCanvasState
    }
  }, [flow, store])

  // what can wait (reading the text into its document, the check's answer) waits for the
  // first paint
  useLayoutEffect(() => {
    paintPending()
    return paintDone
  }, [])

  // the moment every block in view is drawn and measured: the browser tests time it
  const ready = useRef(false)
  useEffect(() => {
    let frame = 0
    let tries = 0
    const check = () => {
      const drawn = document.querySelectorAll<HTMLElement>('.canvas .react-flow__node')
      const { nodeLookup } = store.getState()
      const all = drawn.length > 0 && [...drawn].every((el) => nodeLookup.get(el.dataset.id ?? '')?.measured.width !== undefined)
      if ((!all || nodeLookup.size === 0) && tries++ < 600) {
        frame = requestAnimationFrame(check)
        return
      }
      if (ready.current) return
      ready.current = true
      if (initialView === undefined) fit(false)
      requestAnimationFrame(() => {
        const w = window as unknown as { switchboardCanvasReady?: number }
        w.switchboardCanvasReady = performance.now()
        document.body.dataset.canvasReady = 'true'
        paintDone()
      })
    }
    frame = requestAnimationFrame(check)
    return () => cancelAnimationFrame(frame)
  }, [store, flow, initialView, fit])
  useEffect(
    () => () => {
      delete document.body.dataset.canvasReady
    },
    [],
  )

  return (
    <div ref={canvasRef} className={layered ? 'canvas far layered' : far ? 'canvas far' : 'canvas'} onDragOver={onDragOver} onDrop={onDrop} onKeyDownCapture={onKeyDownCapture} data-testid="canvas">
      <ReactFlow<CanvasNode, Wire>
        defaultNodes={initial.nodes}
        defaultEdges={initial.edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onPaneClick={onPaneClick}
        onNodeDragStop={onDragStop}
        onSelectionDragStop={(e, ns) => onDragStop(e, ns[0], ns)}
        onDelete={onDelete}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        onReconnect={onReconnect}
        isValidConnection={isValidConnection}
        defaultViewport={initialView}
        minZoom={0.05}
        maxZoom={2}
        onlyRenderVisibleElements
        zoomOnDoubleClick={false}
        nodesDraggable={!locked}
        nodesConnectable={!locked}
        edgesReconnectable={!locked}
        deleteKeyCode={locked ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        elevateEdgesOnSelect
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={ariaLabels}
      >
        {/* far out the dots would be denser than pixels, and costly to paint on every move */}
        {!far && <Background gap={20} size={1} />}
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton onClick={() => fit(true)} title={t('canvas.fitView')} aria-label={t('canvas.fitView')} className="react-flow__controls-fitview">
            <svg viewBox="0 0 32 30" aria-hidden>
              <path d="M3.7 11.3V4.1h7.2V.5H.1v10.8h3.6zm21.4-7.2v7.2h3.6V.5H17.9v3.6h7.2zM3.7 18.7H.1v10.8h10.8v-3.6H3.7v-7.2zm21.4 7.2h-7.2v3.6h10.8V18.7h-3.6v7.2z" />
            </svg>
          </ControlButton>
        </Controls>
        {wireHint && (
          <Panel position="top-center" className="wire-hint" role="status">
            {t('canvas.wireNotConnected')}
            <button type="button" className="icon" aria-label={t('common.dismiss')} onClick={() => setWireHint(false)}>
              ×
            </button>
          </Panel>
        )}
        {scene ? (
          <FarLayer scene={scene} />
        ) : large ? (
          // closer in on a large flow, the minimap is one canvas too
          <OverviewMap nodes={graph.nodes} selection={selection} label={t('canvas.minimap')} />
        ) : (
          <MiniMap pannable zoomable nodeStrokeWidth={2} nodeClassName={minimapClass} />
        )}
      </ReactFlow>
    </div>
  )
}

function minimapClass(n: CanvasNode): string {
  if (n.type === 'note') return 'mm-note'
  const d = n.data
  if (d.diff) return `mm-diff-${d.diff}`
  if (d.steps) return 'mm-path'
  if (d.problem) return `mm-${d.problem}`
  return `mm-${d.info?.category ?? 'unknown'}`
}

/** The canvas's keyboard order: each drawn block or note, then the drawn wires leaving it. */
export function tabOrder(root: HTMLElement, wires: Wire[]): (HTMLElement | SVGElement)[] {
  const drawn = new Map<string, SVGElement>()
  for (const el of root.querySelectorAll<SVGElement>('.react-flow__edge')) drawn.set(el.dataset.id ?? '', el)
  const leaving = new Map<string, SVGElement[]>()
  for (const w of wires) {
    const el = drawn.get(w.id)
    if (!el) continue
    const list = leaving.get(w.source) ?? []
    list.push(el)
    leaving.set(w.source, list)
  }
  const order: (HTMLElement | SVGElement)[] = []
  for (const n of root.querySelectorAll<HTMLElement>('.react-flow__node')) {
    order.push(n, ...(leaving.get(n.dataset.id ?? '') ?? []))
  }
  return order
}
