/**
 * Main view for speculative methods: the cursor step's draft tree (zoom, pan, fold low-probability
 * subtrees, focus on the committed path), the tree-attention mask beside it, and for chains a
 * "draft vs target" ribbon. The sub-step decides what is known: pending at draft, decided at verify,
 * the committed path and the target's own token at commit.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../store/store';
import { useElementSize } from '../use-element-size';
import { formatMs } from '../../format/format';
import type { TraceIndex } from '../../trace/trace-index';
import { buildDraftTree, collapseTree, revealOf, type DraftTreeView as DTV } from './draft-tree-model';
import { phaseName } from '../trace-extras';
import { LEGEND_STATUSES, STATUS_STYLE } from './node-style';
import { TreeCanvas } from './TreeCanvas';
import { TreeMask } from './TreeMask';
import { ChainRibbon } from './ChainRibbon';
import { stepStats } from './spec-stats-model';

const THRESHOLDS = [0, 0.001, 0.01, 0.05, 0.1];

function maskNoteFor(trace: TraceIndex, view: DTV): string {
  const call = trace.steps[view.stepIdx]?.calls.find((c) => c.model === 'target' && c.purpose === 'verify');
  if (!call) return '';
  if (call.maskKind === 'tree') return 'Verified in one target pass with this mask.';
  if (call.inputIds.length > 1) return `Verified as ${call.inputIds.length} batch rows (one per root-to-leaf path; the export has no 4-D mask input).`;
  return view.kind === 'chain' ? 'A chain needs only the causal mask.' : 'Verified with a causal mask.';
}

export function DraftTreeMainView() {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const hover = useApp((s) => s.hover);
  const locked = useApp((s) => s.locked);
  const [minProb, setMinProb] = useState<number | null>(null);
  const [focusPath, setFocusPath] = useState(false);
  const [ref, size] = useElementSize<HTMLDivElement>();
  const reveal = revealOf(cursor.stepIdx >= 0 ? phaseName(trace, cursor.stepIdx, cursor.phase) : 'commit');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const view = useMemo(() => (cursor.stepIdx >= 0 ? buildDraftTree(trace, cursor.stepIdx, reveal) : null), [trace, version, cursor.stepIdx, reveal]);
  const stats = useMemo(() => (cursor.stepIdx >= 0 ? stepStats(trace)[cursor.stepIdx] : undefined), [trace, version, cursor.stepIdx]);
  const big = (view?.nodes.length ?? 0) > 60;
  // Large trees start folded below 1% so they stay readable; the user can unfold.
  const threshold = minProb ?? (big ? 0.01 : 0);
  const folded = useMemo(() => (view ? collapseTree(view, { minProb: threshold, focusPath }) : null), [view, threshold, focusPath]);
  const sel = hover ?? locked;
  const highlight = sel?.kind === 'node' && view && sel.step === view.step ? sel.node : null;

  if (!view || !folded) {
    // The measured element stays mounted so its size is known when a drafted step comes.
    return (
      <div className="spec-view" data-view="draft-tree">
        <div className="spec-body" ref={ref}>
          <div className="empty">{trace.steps.length === 0 ? 'Nothing to show yet.' : 'No draft at this step (it was decoded by the target alone).'}</div>
        </div>
      </div>
    );
  }
  const showMask = size.width > 760 && view.drafted <= 500;
  const maskW = Math.min(300, Math.max(200, size.width * 0.26));
  const treeW = Math.max(200, size.width - (showMask ? maskW + 12 : 0));
  const ribbon = view.kind === 'chain' && view.drafted <= 24;
  const treeH = Math.max(160, size.height - (ribbon ? 84 : 0));
  const shown = folded.keep.size;
  return (
    <div className="spec-view" data-view="draft-tree" data-reveal={reveal}>
      <div className="spec-head">
        <span className="spec-title">
          Step {view.step} · {view.kind} draft by <b>{view.model}</b>
        </span>
        <span className="muted spec-source" title={view.source}>{view.source}</span>
        <span className="spacer" />
        <span className="spec-stat" data-testid="spec-step-stats">
          {reveal === 'draft'
            ? `drafted ${view.drafted} · waiting for verification`
            : `accepted ${view.acceptedLength}/${view.drafted}${stats ? ` · committed ${stats.committed}` : ''}`}
          {stats ? ` · draft ${formatMs(stats.draftMs)} vs verify ${formatMs(stats.verifyMs)}` : ''}
        </span>
      </div>
      <div className="spec-controls">
        <label className="muted">
          fold below{' '}
          <select className="input small-select" aria-label="fold nodes below probability" value={threshold} onChange={(e) => setMinProb(Number(e.target.value))}>
            {THRESHOLDS.map((t) => (
              <option key={t} value={t}>{t === 0 ? 'off' : `q < ${t}`}</option>
            ))}
          </select>
        </label>
        <button className={`btn small ${focusPath ? 'on' : ''}`} onClick={() => setFocusPath(!focusPath)} data-testid="focus-path" title="show only the committed path, what was examined and the path's children">
          focus path
        </button>
        <span className="muted">{shown < view.nodes.length ? `${shown} of ${view.nodes.length} nodes shown` : `${view.nodes.length - 1} nodes`} · scroll to zoom, drag to pan</span>
        <span className="spacer" />
        <span className="spec-legend">
          {LEGEND_STATUSES.map((k) => (
            <span key={k} className="legend-item">
              <span className="legend-swatch" style={{ background: STATUS_STYLE[k].fill, borderColor: STATUS_STYLE[k].stroke, borderStyle: STATUS_STYLE[k].dash ? 'dashed' : 'solid', color: STATUS_STYLE[k].stroke }}>
                {STATUS_STYLE[k].icon}
              </span>
              {k}
            </span>
          ))}
        </span>
      </div>
      <div className="spec-body" ref={ref}>
        {size.width > 0 ? (
          <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
            <div style={{ width: treeW }}>
              <TreeCanvas
                trace={trace}
                view={view}
                keep={folded.keep}
                hidden={folded.hidden}
                highlight={highlight}
                width={treeW}
                height={treeH}
                onShowAll={() => {
                  setMinProb(0);
                  setFocusPath(false);
                }}
              />
              {ribbon ? <ChainRibbon trace={trace} view={view} /> : null}
            </div>
            {showMask ? (
              <div style={{ width: maskW }}>
                <TreeMask trace={trace} view={view} highlight={highlight} width={maskW} maskNote={maskNoteFor(trace, view)} />
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}
