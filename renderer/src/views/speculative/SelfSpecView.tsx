/**
 * Self-speculative decoding's own decisions (LayerSkip early exit, Draft & Verify): the drafter's layer
 * strip, and for Draft & Verify the threshold / confidence / matchness EMA chart over the run.
 */
import { useApp } from '../../store/store';
import { useTraceDerived } from '../use-trace-derived';
import { useElementSize } from '../use-element-size';
import { LayerStrip, STRIP_WIDTH } from './LayerStrip';
import { DraftVerifyChart } from './DraftVerifyChart';
import { draftVerifySeries, drafterStrip, pointAtCursor } from './selfspec-model';

const heading = { fontSize: 12, fontWeight: 600, color: 'var(--ink-2)', margin: '0 0 6px 0' } as const;
const caption = { fontSize: 11, color: 'var(--ink-3)', margin: '6px 0 0 0', lineHeight: 1.45 } as const;

export function SelfSpecView() {
  const cursor = useApp((s) => s.cursor);
  const [ref, size] = useElementSize<HTMLDivElement>();
  const strip = useTraceDerived(drafterStrip);
  const series = useTraceDerived(draftVerifySeries);
  if (!strip) {
    return (
      <div style={{ position: 'absolute', inset: 0 }} data-view="self-spec">
        <div className="empty">No self-speculative drafter recorded in this trace.</div>
      </div>
    );
  }
  const chartW = Math.max(240, size.width - 8);
  // Room for the heading, the two-line readout and the legend under the chart.
  const chartH = Math.max(200, Math.min(440, size.height - 110));
  return (
    <div style={{ position: 'absolute', inset: 0, display: 'flex', gap: 24, padding: '14px 18px', overflow: 'auto', background: 'var(--panel)' }} data-view="self-spec">
      <section style={{ flex: `0 0 ${STRIP_WIDTH}px` }} data-testid="selfspec-strip-section">
        <h3 style={heading}>Drafter layers · {strip.method === 'early-exit' ? 'early exit (LayerSkip)' : 'layer skip (Draft & Verify)'}</h3>
        <LayerStrip strip={strip} />
        <p style={caption} data-testid="selfspec-summary">
          {strip.summary}.<br />
          Draft KV = target layers [{strip.kvLayers.join(', ')}] ({strip.method === 'early-exit' ? 'shared with the target, replaced by its verified cache after each step' : 'the verified cache’s kept layers, discarded after each step'}).<br />
          <span className="mono">{strip.graph}</span>
        </p>
      </section>
      <section style={{ flex: '1 1 auto', minWidth: 260 }} ref={ref}>
        {series.length > 0 ? (
          <>
            <h3 style={heading}>Draft exiting · confidence vs th_stop_draft, matchness EMA</h3>
            {size.width > 0 ? <DraftVerifyChart series={series} width={chartW} height={chartH} cursorStepIdx={cursor.stepIdx} current={pointAtCursor(series, cursor.stepIdx)} /> : null}
          </>
        ) : strip.method === 'early-exit' ? (
          <p style={caption}>Early exit drafts a fixed γ with the target’s first layers; there is no per-step threshold to chart (see Speculation stats for cost and τ).</p>
        ) : (
          <p style={caption}>No draft-verify steps yet.</p>
        )}
      </section>
    </div>
  );
}
