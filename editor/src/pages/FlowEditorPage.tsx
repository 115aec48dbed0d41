// The flow editor: palette, canvas, inspector, YAML view, simulation and versions around the
// one document store. The draft loads while the block catalogue does; it is checked as it is
// edited, saved with If-Match and published.

import { useEffect, useMemo, useState } from 'react'
import { ReactFlowProvider } from '@xyflow/react'
import { api } from '../api/client'
import { fetchDraft } from '../api/flows'
import type { Calendar, EmergencySwitch, FlowDraft, FlowSummary, Skill } from '../api/types'
import type { Catalogue } from '../catalogue/catalogue'
import { useCatalogue } from '../catalogue/useCatalogue'
import { useDoc } from '../document/store'
import { whenIdle } from '../document/idle'
import { Canvas } from '../canvas/Canvas'
import { FindBar } from '../canvas/FindBar'
import { Palette } from '../palette/Palette'
import { Inspector } from '../inspector/Inspector'
import type { Suggest } from '../inspector/form'
import { ProblemsPanel } from '../problems/ProblemsPanel'
import { useValidation } from '../problems/useValidation'
import { YamlView } from '../yamlview/YamlView'
import { SimulatePanel } from '../simulate/SimulatePanel'
import { VersionsPanel } from '../versions/VersionsPanel'
import { ConflictDialog } from '../versions/ConflictDialog'
import { PublishDialog } from '../versions/PublishDialog'
import { Toolbar } from '../flow/Toolbar'
import { useCommands } from '../flow/useCommands'
import { useDraft } from '../flow/useDraft'
import { useT } from '../i18n/I18n'
import type { MessageId } from '../i18n/intl'
import { authorName } from '../api/author'

type Tab = 'inspector' | 'yaml' | 'simulate' | 'versions'

const tabNames: Record<Tab, MessageId> = { inspector: 'editor.tab.inspector', yaml: 'editor.tab.yaml', simulate: 'editor.tab.simulate', versions: 'editor.tab.versions' }

export function FlowEditorPage({ id }: { id: string }) {
  const t = useT()
  const { catalogue, error } = useCatalogue()
  // the draft loads while the catalogue does
  const [draft] = useState(() => {
    // unchecked: the canvas shows the flow without waiting for its check, which follows
    const p = fetchDraft(id, { unchecked: true })
    p.catch(() => undefined)
    return p
  })
  return (
    <ReactFlowProvider>
      {error ? (
        <p className="error page-error">{t('editor.catalogueError', { error })}</p>
      ) : catalogue ? (
        <Editor id={id} catalogue={catalogue} draft={draft} />
      ) : (
        <p className="muted page-error">{t('common.loading')}</p>
      )}
    </ReactFlowProvider>
  )
}

/** Names the server knows, for the inspector's suggestions: skills, flows, switches, calendars. */
function useKnownNames(): Partial<Record<Suggest, string[]>> {
  const [known, setKnown] = useState<Partial<Record<Suggest, string[]>>>({})
  useEffect(() => {
    // asked once the page is idle and no drag is under way: the flow comes first
    let live = true
    const get = <T,>(path: string, pick: (x: T) => string) =>
      api<T[]>(path)
        .then((l) => l.map(pick))
        .catch(() => [] as string[])
    const load = () =>
      void Promise.all([
        get<Skill>('/skills', (s) => s.name),
        get<FlowSummary>('/flows', (f) => f.id),
        get<EmergencySwitch>('/emergency', (s) => s.name),
        get<Calendar>('/calendars', (c) => c.name),
      ]).then(([skill, flow, sw, calendar]) => live && setKnown({ skill, flow, switch: sw, calendar }))
    const cancel = whenIdle(load)
    return () => {
      live = false
      cancel()
    }
  }, [])
  return known
}

function Editor({ id, catalogue, draft }: { id: string; catalogue: Catalogue; draft: Promise<{ flow: FlowDraft }> }) {
  const t = useT()
  const [tab, setTab] = useState<Tab>('inspector')
  const [finding, setFinding] = useState(false)
  const [publishing, setPublishing] = useState(false)
  const d = useDraft(id, draft)
  const commands = useCommands({ say: d.say, save: d.save, find: () => setFinding(true) })
  const known = useKnownNames()
  const dirty = useDoc((s) => s.saved !== null && s.text !== s.saved.text)
  const diffView = useDoc((s) => s.diffView)
  const diagnostics = useDoc((s) => s.diagnostics)
  const types = useDoc((s) => s.types)
  const validation = useValidation(d.loaded)
  const readOnly = diffView !== null

  useEffect(() => useDoc.getState().setTypes(catalogue.blocks), [catalogue])

  const counts = useMemo(() => {
    const errors = diagnostics.filter((x) => x.severity === 'error').length
    return { errors, warnings: diagnostics.length - errors }
  }, [diagnostics])

  if (d.loadError) return <p className="error page-error">{t('editor.openError', { id, error: d.loadError })}</p>
  if (!d.loaded) return <p className="muted page-error">{t('editor.loadingFlow', { id })}</p>

  return (
    <div className="editor">
      <Toolbar
        id={id}
        busy={d.busy}
        readOnly={readOnly}
        counts={counts}
        commands={commands}
        onFind={() => setFinding(true)}
        onSave={() => void d.save()}
        onPublish={() => setPublishing(true)}
      />
      {d.notice && (
        <div className={d.notice.error ? 'notice-bar error' : 'notice-bar'} role="status">
          {d.notice.text}
          <button type="button" className="icon" aria-label={t('common.dismiss')} onClick={d.dismiss}>
            ×
          </button>
        </div>
      )}
      <div className="editor-body">
        <Palette blocks={catalogue.blocks} disabled={readOnly} onAdd={commands.addBlock} />
        <div className="center">
          {diffView && (
            <div className="diff-banner" role="status">
              {t('editor.comparing', {
                from: diffView.fromLabel,
                to: diffView.toLabel,
                added: diffView.diff.added.length,
                removed: diffView.diff.removed.length,
                changed: diffView.diff.changed.length,
              })}
              <span className="legend">
                <span className="diff-added">{t('diff.added')}</span> <span className="diff-removed">{t('diff.removed')}</span>{' '}
                <span className="diff-changed">{t('diff.changed')}</span>
              </span>
              <button type="button" onClick={() => useDoc.getState().setDiffView(null)}>
                {t('editor.backToEditing')}
              </button>
            </div>
          )}
          <Canvas readOnly={readOnly} />
          {finding && <FindBar types={types} onClose={() => setFinding(false)} />}
          <ProblemsPanel checking={validation.checking} error={validation.error} />
        </div>
        <aside className="side">
          <nav className="tabs" role="tablist">
            {(Object.keys(tabNames) as Tab[]).map((name) => (
              <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'active' : undefined} onClick={() => setTab(name)}>
                {t(tabNames[name])}
              </button>
            ))}
          </nav>
          <div className="tab-body">
            {tab === 'inspector' && <Inspector catalogue={catalogue} readOnly={readOnly} known={known} onAddNote={commands.addNote} />}
            {tab === 'yaml' && <YamlView readOnly={readOnly} />}
            {tab === 'simulate' && <SimulatePanel flowId={id} />}
            {tab === 'versions' && (
              <VersionsPanel
                flowId={id}
                published={d.published}
                readOnly={readOnly}
                onRolledBack={() => {
                  void d.reload()
                  d.say(t('versions.rolledBack'))
                }}
              />
            )}
          </div>
        </aside>
      </div>
      {d.conflict && (
        <ConflictDialog
          conflict={d.conflict}
          onClose={d.closeConflict}
          onReload={() => {
            const theirs = d.conflict!.current
            d.open(theirs)
            d.closeConflict()
            d.say(t('conflict.took', { name: authorName(theirs.updated_by) }))
          }}
          onOverwrite={() => {
            useDoc.getState().setDiffView(null)
            void d.save(d.conflict!.current.revision)
          }}
        />
      )}
      {publishing && (
        <PublishDialog
          dirty={dirty}
          errors={counts.errors}
          busy={d.busy !== null}
          onPublish={(m) => void d.publish(m).then((ok) => ok && setPublishing(false))}
          onClose={() => setPublishing(false)}
        />
      )}
    </div>
  )
}
