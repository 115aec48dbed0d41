// The editor's commands that act on the canvas: add a block where there is room, copy and paste
// blocks through the clipboard (as YAML, so between flows too), auto-layout; and the keyboard
// shortcuts: undo, redo, save, find, copy, cut, paste.

import { useCallback, useEffect, useRef } from 'react'
import { useReactFlow, useStoreApi, type ReactFlowInstance } from '@xyflow/react'
import { errorText } from '../api/client'
import { exitsOf } from '../catalogue/catalogue'
import { modelOf } from '../document/cache'
import { copyBlocks, parseFlowText } from '../document/flowText'
import { readPosition } from '../document/model'
import { redo, undo, useDoc } from '../document/store'
import { fitFlow } from '../canvas/fit'
import type { CanvasNode, Wire } from '../canvas/graph'
import { fromElkGraph, layoutInWorker, toElkGraph } from '../canvas/layout'
import { freeSpot, type Rect } from '../canvas/placement'
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

/** The boxes of the blocks and notes on the canvas, measured where they were drawn. */
function occupied(rf: Flow): Rect[] {
  return rf.getNodes().map((n) => ({
    x: n.position.x,
    y: n.position.y,
    width: n.measured?.width ?? n.width ?? 180,
    height: n.measured?.height ?? n.height ?? 120,
  }))
}

/** Tells whether an event comes from a field the user types in. */
function editable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el) return false
  const tag = el.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable
}

export interface Commands {
  addBlock: (type: string) => void
  copy: () => Promise<void>
  paste: () => Promise<void>
  autoLayout: () => Promise<void>
}

export function useCommands(opts: {
  say: (text: string, error?: boolean) => void
  setBusy: (s: string | null) => void
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

  const autoLayout = useCallback(async () => {
    const { text, types } = useDoc.getState()
    const m = modelOf(text)
    const graph = toElkGraph(
      m,
      (id) => {
        const b = m.byId.get(id)!
        return exitsOf(types.get(b.type), b.params)
      },
      (id) => {
        const n = rf.getInternalNode(id)
        return n?.measured.width && n.measured.height ? { width: n.measured.width, height: n.measured.height } : undefined
      },
    )
    latest.current.setBusy(t('commands.layingOut'))
    try {
      const out = await layoutInWorker(graph)
      useDoc.getState().moveItems({ blocks: fromElkGraph(out) })
      requestAnimationFrame(() => requestAnimationFrame(() => fitFlow(rf, rfStore.getState(), true)))
    } catch (e) {
      latest.current.say(t('commands.layoutFailed', { error: errorText(e) }), true)
    } finally {
      latest.current.setBusy(null)
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

  return { addBlock, copy, paste, autoLayout }
}
