// The one store of the open flow: its YAML text (the truth, with undo and redo of every change),
// what the server last said about it, and what the editor shows over it (selection, a
// simulation's path, a diff of two versions).

import { create } from 'zustand'
import { temporal } from 'zundo'
import { exitsOf, newBlockId, type BlockInfo } from '../catalogue/catalogue'
import type { Diagnostic, Outcome } from '../api/types'
import { isPlaced, keepDocument, keepPatched, modelOf, takeDocument } from './cache'
import * as ops from './flowText'
import type { FlowDocument, NewBlock, ParamPath } from './flowText'
import { flowZones, type FlowModel, type Note, type Position } from './model'
import type { FlowDiff } from './diff'
import { t } from '../i18n/intl'

/** Two versions compared on the canvas. */
export interface DiffView {
  fromLabel: string
  toLabel: string
  from: FlowModel
  to: FlowModel
  diff: FlowDiff
}

/** The flow as the server has it. */
export interface Saved {
  id: string
  format: 'yaml' | 'json'
  revision: number
  /** The text that was last loaded or saved. */
  text: string
  latestVersion: number
  updatedBy: string
}

export interface DocState {
  /** The flow's YAML; the only state undo and redo change. */
  text: string
  saved: Saved | null
  /** Diagnostics of validatedText, the latest text the server checked. */
  diagnostics: Diagnostic[]
  validatedText: string | null
  /** Selected block and note ids. */
  selection: string[]
  /** A request to bring a block into view; n changes with each request. */
  focus: { id: string; n: number } | null
  trace: Outcome | null
  traceStep: number | null
  diffView: DiffView | null
  /** The last edit that typing may extend, so one word is one undo step. */
  lastEdit: { key: string; at: number } | null
  /** The catalogue's blocks by type, for derived exits. */
  types: Map<string, BlockInfo>

  load(saved: Saved, text: string): void
  setTypes(blocks: BlockInfo[]): void
  /** Replaces the whole text (the YAML view); the caller checked that it parses. */
  replaceText(text: string, coalesce?: string): void
  markSaved(saved: Saved): void
  setDiagnostics(text: string, diagnostics: Diagnostic[]): void
  /** Replaces the diagnostics of one block's parameters by those of a quick check of that
   * block alone; the text still waits for its full check. */
  setParamDiagnostics(text: string, id: string, diagnostics: Diagnostic[]): void

  addBlock(type: string, at: Position, params?: Record<string, unknown>): string
  /** Deletes blocks (with the wires to them), notes and wires, as one change. */
  deleteItems(items: { blocks?: string[]; notes?: string[]; wires?: { source: string; exit: string }[] }): void
  /** Moves blocks and notes, as one change. */
  moveItems(items: { blocks?: Record<string, Position>; notes?: Record<string, Position> }): void
  connect(source: string, exit: string, target: string): void
  disconnect(source: string, exit: string): void
  setParam(id: string, path: ParamPath, value: unknown): void
  moveParamItem(id: string, path: ParamPath, from: number, to: number): void
  renameBlock(from: string, to: string): void
  setFlowField(key: 'name' | 'description', value: string): void
  setVars(vars: Record<string, unknown>): void
  setNotes(notes: Note[]): void
  paste(clipboard: string, offset: Position): string[]

  select(ids: string[]): void
  focusBlock(id: string): void
  setTrace(trace: Outcome | null): void
  setTraceStep(step: number | null): void
  setDiffView(view: DiffView | null): void
}

/** Typing in one field within this many milliseconds is one undo step. */
const coalesceMs = 1500

/** Thrown when an edit is refused (a taken block id): the text stays as it was. */
export class EditError extends Error {}

export const useDoc = create<DocState>()(
  temporal(
    (set, get) => {
      /** Applies a change to the document and records it as one undo step (or extends the last). */
      const edit = (fn: (doc: FlowDocument, model: FlowModel) => void, coalesce?: string) => {
        const { text, lastEdit } = get()
        const model = modelOf(text)
        const doc = takeDocument(text)
        try {
          fn(doc, model)
        } catch (e) {
          throw e instanceof Error ? new EditError(e.message) : e
        }
        const next = ops.printFlow(doc)
        keepDocument(next, doc)
        commit(next, lastEdit, coalesce)
      }

      /** Makes text the current text: one undo step, or part of the last one while typing goes on. */
      const commit = (next: string, lastEdit: DocState['lastEdit'], coalesce?: string) => {
        if (next === get().text) return
        const now = Date.now()
        const extend = coalesce !== undefined && lastEdit?.key === coalesce && now - lastEdit.at < coalesceMs
        const t = useDoc.temporal.getState()
        if (extend) t.pause()
        set({ text: next, lastEdit: coalesce ? { key: coalesce, at: now } : null })
        if (extend) t.resume()
      }

      /** Keeps wires on the exits a parameter change renamed, and drops those of exits that went away. */
      const followExits = (doc: FlowDocument, id: string, before: string[], after: string[]) => {
        if (before.join('\0') === after.join('\0')) return
        if (before.length === after.length) {
          const changed = before.map((e, i) => (e === after[i] ? -1 : i)).filter((i) => i >= 0)
          if (changed.length === 1) {
            const i = changed[0]
            ops.renameExit(doc, id, before[i], after[i])
            return
          }
        }
        for (const e of before) if (!after.includes(e)) ops.disconnect(doc, id, e)
      }

      return {
        text: '',
        saved: null,
        diagnostics: [],
        validatedText: null,
        selection: [],
        focus: null,
        trace: null,
        traceStep: null,
        diffView: null,
        lastEdit: null,
        types: new Map(),

        load(saved, text) {
          set({
            text,
            saved,
            diagnostics: [],
            validatedText: null,
            selection: [],
            trace: null,
            traceStep: null,
            diffView: null,
            lastEdit: null,
          })
          useDoc.temporal.getState().clear()
        },
        setTypes(blocks) {
          set({ types: new Map(blocks.map((b) => [b.type, b])) })
        },
        replaceText(text, coalesce) {
          commit(text, get().lastEdit, coalesce)
        },
        markSaved(saved) {
          set({ saved })
        },
        setDiagnostics(text, diagnostics) {
          set({ diagnostics, validatedText: text })
        },
        setParamDiagnostics(text, id, diagnostics) {
          const s = get()
          // too late: the text changed, or its full check answered already
          if (s.text !== text || s.validatedText === text) return
          const prefix = `blocks.${id}.params`
          const under = (p: string) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`)
          set({ diagnostics: [...s.diagnostics.filter((d) => !under(d.path)), ...diagnostics.filter((d) => under(d.path))] })
        },

        addBlock(type, at, params) {
          const model = modelOf(get().text)
          const id = newBlockId(type, (x) => model.byId.has(x))
          // a block that takes a time zone starts in the one the flow already uses
          const zone = flowZones(model)[0]
          if (zone && params?.timezone === undefined && get().types.get(type)?.params.some((p) => p.name === 'timezone')) params = { ...params, timezone: zone }
          const b: NewBlock = { id, type, params, ui: at }
          edit((doc) => ops.addBlock(doc, b))
          set({ selection: [id] })
          return id
        },
        deleteItems({ blocks = [], notes = [], wires = [] }) {
          if (blocks.length + notes.length + wires.length === 0) return
          edit((doc, model) => {
            for (const w of wires) ops.disconnect(doc, w.source, w.exit)
            ops.removeBlocks(doc, blocks)
            if (notes.length) ops.setNotes(doc, model.notes.filter((n) => !notes.includes(n.id)))
          })
          set({ selection: get().selection.filter((s) => !blocks.includes(s)) })
        },
        moveItems({ blocks = {}, notes = {} }) {
          // a drag's fast path: rewrite the numbers of the positions, not the whole text
          if (Object.keys(notes).length === 0) {
            const { text, lastEdit } = get()
            const doc = takeDocument(text)
            const patched = isPlaced(doc) ? ops.patchPositions(doc, text, blocks) : null
            if (patched !== null) {
              keepDocument(patched, doc, true)
              commit(patched, lastEdit)
              return
            }
            keepDocument(text, doc, isPlaced(doc))
          }
          edit((doc, model) => {
            ops.moveBlocks(doc, blocks)
            if (Object.keys(notes).length) {
              ops.setNotes(
                doc,
                model.notes.map((n) => (notes[n.id] ? { ...n, x: notes[n.id].x, y: notes[n.id].y } : n)),
              )
            }
          })
        },
        connect(source, exit, target) {
          edit((doc) => ops.connect(doc, source, exit, target))
        },
        disconnect(source, exit) {
          edit((doc) => ops.disconnect(doc, source, exit))
        },
        setParam(id, path, value) {
          const { types, text, lastEdit } = get()
          const coalesce = `param:${id}:${path.join('.')}`
          // typing in a field of a large flow: rewrite the value in the text when it can be
          const before = modelOf(text)
          const owner = before.byId.get(id)
          if (owner && !types.get(owner.type)?.exits_from) {
            const doc = takeDocument(text)
            const patched = isPlaced(doc) ? ops.patchParam(doc, text, id, path, value) : null
            if (patched !== null) {
              keepPatched(patched, doc, before, id)
              commit(patched, lastEdit, coalesce)
              return
            }
            keepDocument(text, doc, isPlaced(doc))
          }
          edit((doc, model) => {
            const block = model.byId.get(id)
            const info = block ? types.get(block.type) : undefined
            const before = exitsOf(info, block?.params)
            ops.setParam(doc, id, path, value)
            if (info?.exits_from) {
              const data = doc.getIn(['blocks', id, 'params']) as { toJSON?: () => unknown } | undefined
              const params = (data?.toJSON?.() ?? {}) as Record<string, unknown>
              followExits(doc, id, before, exitsOf(info, params))
            }
          }, coalesce)
        },
        moveParamItem(id, path, from, to) {
          const { types } = get()
          edit((doc, model) => {
            const block = model.byId.get(id)
            const info = block ? types.get(block.type) : undefined
            const before = exitsOf(info, block?.params)
            ops.moveParamItem(doc, id, path, from, to)
            if (info?.exits_from) {
              const data = doc.getIn(['blocks', id, 'params']) as { toJSON?: () => unknown } | undefined
              const after = exitsOf(info, (data?.toJSON?.() ?? {}) as Record<string, unknown>)
              // a reorder keeps every exit: nothing to rewire unless one went away
              for (const e of before) if (!after.includes(e)) ops.disconnect(doc, id, e)
            }
          })
        },
        renameBlock(from, to) {
          if (from === to) return
          if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(to)) {
            throw new EditError(t('store.badBlockId', { id: to }))
          }
          edit((doc) => ops.renameBlock(doc, from, to))
          set({ selection: get().selection.map((s) => (s === from ? to : s)) })
        },
        setFlowField(key, value) {
          edit((doc) => ops.setFlowField(doc, key, value), `flow:${key}`)
        },
        setVars(vars) {
          edit((doc) => ops.setVars(doc, vars), 'flow:vars')
        },
        setNotes(notes) {
          edit((doc) => ops.setNotes(doc, notes), 'notes')
        },
        paste(clipboard, offset) {
          let added: string[] = []
          edit((doc) => {
            added = ops.pasteBlocks(doc, clipboard, offset)
          })
          if (added.length) set({ selection: added })
          return added
        },

        select(ids) {
          const cur = get().selection
          if (cur.length === ids.length && cur.every((x, i) => x === ids[i])) return
          set({ selection: ids })
        },
        focusBlock(id) {
          set({ selection: [id], focus: { id, n: (get().focus?.n ?? 0) + 1 } })
        },
        setTrace(trace) {
          set({ trace, traceStep: null })
        },
        setTraceStep(traceStep) {
          set({ traceStep })
        },
        setDiffView(diffView) {
          set({ diffView })
        },
      }
    },
    {
      partialize: (s) => ({ text: s.text }),
      equality: (a, b) => a.text === b.text,
      limit: 200,
    },
  ),
)

/** The model of the open flow. */
export function useModel(): FlowModel {
  return modelOf(useDoc((s) => s.text))
}

/** Undoes the last change. */
export function undo(): void {
  useDoc.temporal.getState().undo()
  useDoc.setState({ lastEdit: null })
}

/** Redoes the last change undone. */
export function redo(): void {
  useDoc.temporal.getState().redo()
  useDoc.setState({ lastEdit: null })
}
