// The editor's commands that act on the canvas: add a block where there is room, copy and paste
// blocks through the clipboard (as YAML, so between flows too), auto-layout; and the keyboard
// shortcuts: undo, redo, save, find, copy, cut, paste.

import { useCallback, useEffect, useRef, useState } from 'react'
import { useReactFlow, useStoreApi, type ReactFlowInstance } from '@xyflow/react'
import { errorText } from '../api/client'
import { exitsOf } from '../catalogue/catalogue'
import { modelOf } from '../document/cache'
import { copyBlocks, parseFlowText } from '../document/flowText'
import { positionOf, readPosition } from '../document/model'
import { redo, undo, useDoc } from '../document/store'
import { fitReadable, layoutBounds } from '../canvas/fit'
import { noteNodeId, type CanvasNode, type Wire } from '../canvas/graph'
import { LayoutCancelled, layoutFlow, type LayoutRun } from '../canvas/layout'
import { freeSpot, type Rect } from '../canvas/placement'
import { editNoteWhenShown } from '../canvas/NoteNode'
import { t } from '../i18n/intl'

type Flow = ReactFlowInstance<CanvasNode, Wire>

/** What was copied last, for when the system clipboard cannot be read. */
let lastCopied = ''

/** The middle of the canvas, in flow coordinates. */
function canvasCenter(rf: Flow) {
  const el = document.querySelector('.canvas')?.getBoundingClientRect()
  if (!el) return { x: 0, y: 0 }
  return rf.screenToFlowPosition({ x: el.left + el.width / 2, y: el.top + el.height / 2 })
}

/** The boxes of the blocks and notes on the canvas, measured where they were drawn; on a large
 * flow React Flow has only those near the view, and the others are where the document puts them. */
function occupied(rf: Flow): Rect[] {
  const nodes = rf.getNodes()
  const boxes: Rect[] = nodes.map((n) => ({
    x: n.position.x,
    y: n.position.y,
    width: n.measured?.width ?? n.width ?? 180,
    height: n.measured?.height ?? n.height ?? 120,
  }))
  const m = modelOf(useDoc.getState().text)
  if (nodes.length >= m.blocks.length + m.notes.length) return boxes
  const have = new Set(nodes.map((n) => n.id))
  m.blocks.forEach((b, i) => {
    if (!have.has(b.id)) boxes.push({ ...positionOf(b, i), width: 180, height: 120 })
  })
  for (const n of m.notes) if (!have.has(noteNodeId(n.id))) boxes.push({ x: n.x, y: n.y, width: n.width, height: n.height })
  return boxes
}

/** Tells whether an event comes from a field the user types in. */
function editable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el) return false
  const tag = el.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable
}

/** A layout under way: how many blocks, and the fraction done when the worker knows it. */
export interface LayoutState {
  blocks: number
  progress: number | null
}

export interface Commands {
  addBlock: (type: string) => void
  /** Adds an empty sticky note in the middle of the view, open for writing. */
  addNote: () => void
  copy: () => Promise<void>
  paste: () => Promise<void>
  autoLayout: () => Promise<void>
  /** The layout under way, or null. */
  layout: LayoutState | null
  cancelLayout: () => void
}

export function useCommands(opts: {
  say: (text: string, error?: boolean) => void
  save: () => Promise<boolean>
  find: () => void
}): Commands {
  const rf = useReactFlow<CanvasNode, Wire>()
  const rfStore = useStoreApi<CanvasNode, Wire>()
  const latest = useRef(opts)
  latest.current = opts

  const addBlock = useCallback(
    (type: string) => {
      const c = canvasCenter(rf)
      const at = freeSpot(occupied(rf), { x: c.x - 90, y: c.y - 60, width: 180, height: 120 })
      useDoc.getState().addBlock(type, at)
    },
    [rf],
  )

  const addNote = useCallback(() => {
    const size = { width: 220, height: 100 }
    const c = canvasCenter(rf)
    const want = { x: Math.round(c.x - size.width / 2), y: Math.round(c.y - size.height / 2), ...size }
    let at = freeSpot(occupied(rf), want)
    // a free spot out of view is no use: the middle of the view then, over what is there
    const { width, height, transform } = rfStore.getState()
    const [tx, ty, k] = transform
    if ((at.x + size.width) * k + tx > width || (at.y + size.height) * k + ty > height) at = want
    const { notes } = modelOf(useDoc.getState().text)
    const ids = new Set(notes.map((n) => n.id))
    let i = notes.length + 1
    while (ids.has(`note-${i}`)) i++
    const id = `note-${i}`
    editNoteWhenShown(id)
    useDoc.getState().setNotes([...notes, { id, text: '', x: Math.round(at.x), y: Math.round(at.y), ...size }])
  }, [rf, rfStore])

  const copySelection = useCallback((): string | null => {
    const { selection, text } = useDoc.getState()
    if (selection.length === 0) return null
    lastCopied = copyBlocks(parseFlowText(text), selection)
    return lastCopied
  }, [])

  /** Pastes blocks in the middle of the view, where they cover no block. */
  const pasteText = useCallback(
    (clip: string) => {
      const blocks = parseFlowText(clip).get('blocks') as { toJSON?: () => unknown } | undefined
      const data = (blocks?.toJSON?.() ?? {}) as Record<string, { ui?: unknown }>
      const at = Object.values(data)
        .map((b) => readPosition(b?.ui))
        .filter((p) => p !== undefined)
      const minX = at.length ? Math.min(...at.map((p) => p.x)) : 0
      const minY = at.length ? Math.min(...at.map((p) => p.y)) : 0
      const width = (at.length ? Math.max(...at.map((p) => p.x)) : 0) - minX + 180
      const height = (at.length ? Math.max(...at.map((p) => p.y)) : 0) - minY + 120
      const c = canvasCenter(rf)
      const spot = freeSpot(occupied(rf), { x: c.x - 90, y: c.y - 60, width, height })
      const added = useDoc.getState().paste(clip, { x: Math.round(spot.x - minX), y: Math.round(spot.y - minY) })
      if (added.length) latest.current.say(t('commands.pasted', { count: added.length, ids: added.join(', ') }))
      else latest.current.say(t('commands.nothingToPaste'), true)
    },
    [rf],
  )

  const copy = useCallback(async () => {
    const clip = copySelection()
    if (!clip) return latest.current.say(t('commands.selectToCopy'), true)
    try {
      await navigator.clipboard.writeText(clip)
    } catch {
      // the editor's own clipboard still has it
    }
    latest.current.say(t('commands.copied', { count: useDoc.getState().selection.length }))
  }, [copySelection])

  const paste = useCallback(async () => {
    let clip = ''
    try {
      clip = await navigator.clipboard.readText()
    } catch {
      clip = ''
    }
    pasteText(clip.includes('blocks:') ? clip : lastCopied)
  }, [pasteText])

  // one layout at a time, in a worker; Save and Publish stay available while it runs
  const [layout, setLayout] = useState<LayoutState | null>(null)
  const running = useRef<LayoutRun | null>(null)
  useEffect(() => () => running.current?.cancel(), [])

  const cancelLayout = useCallback(() => running.current?.cancel(), [])

  const autoLayout = useCallback(async () => {
    if (running.current) return
    const { text, types } = useDoc.getState()
    const m = modelOf(text)
    const exits = (id: string) => {
      const b = m.byId.get(id)!
      return exitsOf(types.get(b.type), b.params)
    }
    const sizes = (id: string) => {
      const n = rf.getInternalNode(id)
      return n?.measured.width && n.measured.height ? { width: n.measured.width, height: n.measured.height } : undefined
    }
    const run = layoutFlow(m, exits, sizes, (done) => setLayout({ blocks: m.blocks.length, progress: done }))
    running.current = run
    setLayout({ blocks: m.blocks.length, progress: null })
    try {
      const positions = await run.done
      useDoc.getState().moveItems({ blocks: positions })
      const trigger = m.blocks.find((b) => types.get(b.type)?.trigger)?.id ?? m.blocks[0]?.id
      const bounds = layoutBounds(positions, sizes)
      if (bounds) fitReadable(rf, rfStore.getState(), bounds, trigger ? positions[trigger] : undefined)
      latest.current.say(t('commands.laidOut', { count: Object.keys(positions).length }))
    } catch (e) {
      if (e instanceof LayoutCancelled) latest.current.say(t('commands.layoutCancelled'))
      else latest.current.say(t('commands.layoutFailed', { error: errorText(e) }), true)
    } finally {
      running.current = null
      setLayout(null)
    }
  }, [rf, rfStore])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey
      if (!mod) {
        if (e.key === 'Escape' && useDoc.getState().diffView) useDoc.getState().setDiffView(null)
        return
      }
      const k = e.key.toLowerCase()
      if (k === 's') {
        e.preventDefault()
        void latest.current.save()
      } else if (k === 'f') {
        e.preventDefault()
        latest.current.find()
      } else if (!editable(e.target) && !useDoc.getState().diffView) {
        if (k === 'z' && !e.shiftKey) {
          e.preventDefault()
          undo()
        } else if ((k === 'z' && e.shiftKey) || k === 'y') {
          e.preventDefault()
          redo()
        }
      }
    }
    const onCopy = (e: ClipboardEvent) => {
      if (editable(e.target) || window.getSelection()?.toString()) return
      const clip = copySelection()
      if (!clip || !e.clipboardData) return
      e.clipboardData.setData('text/plain', clip)
      e.preventDefault()
      if (e.type === 'cut' && !useDoc.getState().diffView) useDoc.getState().deleteItems({ blocks: useDoc.getState().selection })
    }
    const onPaste = (e: ClipboardEvent) => {
      if (editable(e.target) || useDoc.getState().diffView) return
      const clip = e.clipboardData?.getData('text/plain') ?? ''
      if (!clip.includes('blocks:')) return
      e.preventDefault()
      pasteText(clip)
    }
    window.addEventListener('keydown', onKey)
    document.addEventListener('copy', onCopy)
    document.addEventListener('cut', onCopy)
    document.addEventListener('paste', onPaste)
    return () => {
      window.removeEventListener('keydown', onKey)
      document.removeEventListener('copy', onCopy)
      document.removeEventListener('cut', onCopy)
      document.removeEventListener('paste', onPaste)
    }
  }, [copySelection, pasteText])

  return { addBlock, addNote, copy, paste, autoLayout, layout, cancelLayout }
}
