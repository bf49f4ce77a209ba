/**
 * Logit lens at the cursor's step: for each layer (last at the top), the top tokens of final norm + LM head
 * applied to that layer's hidden state, shaded by probability; the final layer's choice is outlined wherever
 * an earlier layer already ranks it.
 */
import { interpolateBlues } from 'd3';
import { useApp } from '../../store/store';
import { useTraceDerived } from '../use-trace-derived';
import { tokenLabel, formatProb } from '../../format/format';
import { internalsOf, lensAt, lensGrid } from './internals-model';
import './internals.css';

/** Where the bundled target's self-speculative early-exit draft stops. */
const BUNDLED_EARLY_EXIT = 2;
/** Shading relative to the grid's largest probability (small models spread mass thin; an absolute 0–1 scale looks flat). */
const shade = (x: number) => interpolateBlues(0.06 + 0.84 * Math.max(0, Math.min(1, x)));
const ink = (x: number) => (x > 0.6 ? '#fff' : '#111');

export function LogitLensView() {
  const trace = useApp((s) => s.trace);
  const cursor = useApp((s) => s.cursor);
  const data = useTraceDerived(internalsOf);
  const step = trace.steps[cursor.stepIdx]?.step ?? -1;
  const rec = lensAt(data.lens, step, trace);
  if (!rec) return <div className="empty">No logit-lens records: start a live run with “record internals” ticked (needs a model with exit_logits.* outputs).</div>;
  const grid = lensGrid(rec);
  // The bundled target's early-exit draft (config.json decodescope.early_exit_layer, onnx/model_exit2.onnx).
  const earlyExit: number | undefined = BUNDLED_EARLY_EXIT;
  const k = Math.max(...grid.rows.map((r) => r.cells.length));
  const finalTok = trace.tokenText(grid.finalId);
  const maxP = Math.max(1e-6, ...grid.rows.flatMap((r) => r.cells.map((c) => c.prob)));
  return (
    <div className="lens-view" data-view="logit-lens">
      <div className="spec-head">
        <span className="spec-title">Logit lens · step {cursor.stepIdx + 1}{rec.step !== step ? ' (nearest recorded)' : ''} · position {grid.position}</span>
        <span className="muted">
          Each layer's guess for the next token (final norm + LM head on its hidden state). Final choice: <span className="mono lens-final-chip">{tokenLabel(finalTok.text, finalTok.bytes)}</span>
        </span>
      </div>
      <div className="lens-grid" style={{ gridTemplateColumns: `110px repeat(${k}, minmax(64px, 1fr))` }} data-testid="logit-lens-grid">
        <span className="lens-h" />
        {Array.from({ length: k }, (_, i) => <span key={i} className="lens-h">#{i + 1}</span>)}
        {grid.rows.map((row, ri) => (
          <div key={row.layer} style={{ display: 'contents' }}>
            <span className="lens-layer" title={row.finalRank >= 0 ? `final token ranked #${row.finalRank + 1} here` : 'final token not in this layer’s top-k'}>
              layer {row.layer}{ri === 0 ? ' (final)' : ''}{earlyExit === row.layer ? ' · early exit' : ''}
            </span>
            {row.cells.map((c, i) => {
              const t = trace.tokenText(c.id);
              return (
                <span key={i} className={`lens-cell mono ${c.isFinal ? 'lens-is-final' : ''}`} style={{ background: shade(c.prob / maxP), color: ink(c.prob / maxP) }} title={`layer ${row.layer}: id ${c.id}, p = ${formatProb(c.prob)}`}>
                  <span className="lens-tok">{tokenLabel(t.text, t.bytes)}</span>
                  <span className="lens-p">{formatProb(c.prob)}</span>
                </span>
              );
            })}
          </div>
        ))}
      </div>
      <div className="lens-foot">
        <span className="lens-legend">
          p <span className="lens-ramp" style={{ background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(shade).join(',')})` }} /> 0 → {formatProb(maxP)} (largest in view)
        </span>
        <span className="lens-legend"><span className="lens-swatch lens-is-final" /> the final layer's choice</span>
        <span className="muted">
          {earlyExit !== undefined ? `The bundled target's early-exit draft (self-speculative methods) stops at layer ${earlyExit}: that row is what it proposes.` : 'Early-exit drafting (speculative methods) proposes from one of these intermediate layers.'}
        </span>
      </div>
    </div>
  );
}
