// A block on the canvas: its id, type and a summary, a handle per exit (derived exits follow
// the parameters live), a badge when the server found problems in it, and the marks of a
// simulation's path or a diff. Far out, a plain box stands in for it.

import { memo, useEffect, useMemo, useRef } from 'react'
import { Handle, Position, useConnection, useStore, useUpdateNodeInternals, type ConnectionState, type NodeProps, type ReactFlowState } from '@xyflow/react'
import type { BlockNode as BlockNodeType } from './graph'
import { useT } from '../i18n/I18n'

/** Below this zoom, blocks are drawn as plain boxes. */
export const placeholderZoom = 0.35

/** Whether the canvas is zoomed out past the point where blocks are plain boxes. */
export const farSelector = (s: ReactFlowState) => s.transform[2] < placeholderZoom

/** How a block takes part in a wire being dragged: 'over' when the wire would connect to it
 * if dropped now, 'open' when it could take the wire, null when no wire is being dragged. */
function dropState(id: string) {
  return (c: ConnectionState): 'over' | 'open' | null => {
    if (!c.inProgress) return null
    return c.isValid && c.toNode?.id === id ? 'over' : 'open'
  }
}

function BlockNodeView({ id, data, selected }: NodeProps<BlockNodeType>) {
  const t = useT()
  const far = useStore(farSelector)
  const selectDrop = useMemo(() => dropState(id), [id])
  const drop = useConnection(selectDrop)
  const update = useUpdateNodeInternals()
  // React Flow measures handles when a block first renders; only a change of exits needs a new
  // measure (one per block on mount would cost a store update each: quadratic on big flows)
  const exitsKey = data.exits.join('\0')
  const measuredExits = useRef(exitsKey)
  useEffect(() => {
    if (measuredExits.current === exitsKey) return
    measuredExits.current = exitsKey
    update(id)
  }, [id, exitsKey, update])
  const { block, info } = data
  const classes = [
    'block-node',
    `cat-${info?.category ?? 'unknown'}`,
    selected ? 'selected' : '',
    data.problem ? `has-${data.problem}` : '',
    data.steps ? 'on-path' : '',
    data.current ? 'current' : '',
    data.diff ? `diff-${data.diff}` : '',
    far ? 'far' : '',
    drop === 'over' ? 'drop-target' : '',
  ]
    .filter(Boolean)
    .join(' ')
  const trigger = Boolean(info?.trigger)
  return (
    <div className={classes} data-block={block.id} data-type={block.type} title={data.diffDetail}>
      {/* while a wire is dragged, the input covers the whole block: a drop anywhere on it connects */}
      {!trigger && <Handle type="target" position={Position.Left} id="in" className={drop ? 'in-handle drop-zone' : 'in-handle'} />}
      {far ? (
        <div className="far-label" style={{ height: data.header }}>
          {block.id}
        </div>
      ) : (
        <>
          <div className="block-head">
            <span className="block-id">{block.id}</span>
            {data.steps && <span className="step-badge" title={t('block.steps')}>{data.steps.join(', ')}</span>}
            {data.problems > 0 && (
              <span className={`problem-badge ${data.problem}`} title={t('block.problems', { count: data.problems })}>
                {data.problems}
              </span>
            )}
          </div>
          <div className="block-type">{info ? info.title : t('block.unknownType', { type: block.type })}</div>
          {data.summary && <div className="block-summary">{data.summary}</div>}
          {data.diff && <div className="diff-tag">{t(`diff.${data.diff}`)}</div>}
        </>
      )}
      <ul className="exits">
        {data.exits.map((e) => (
          <li key={e} className={data.unknownExits.includes(e) ? 'unknown-exit' : undefined} data-exit={e}>
            {!far && <span className="exit-name">{e}</span>}
            <Handle type="source" position={Position.Right} id={e} className="exit-handle" />
          </li>
        ))}
      </ul>
    </div>
  )
}

export const BlockNode = memo(BlockNodeView)
