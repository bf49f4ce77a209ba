/**
 * Readable views for search-based methods: the beam candidate table and surviving beams, and the
 * contrastive-search candidates with confidence, degeneration penalty and score.
 */
import { useApp } from '../store/store';
import { formatProb, formatSigned, formatNumber, tokenLabel } from '../format/format';
import type { TraceIndex } from '../trace/trace-index';
import type { BeamRecord } from '../../../engine/trace/schema';

function label(trace: TraceIndex, id: number): string {
  const e = trace.tokenText(id);
  return tokenLabel(e.text, e.bytes);
}

/** How a sampled candidate was drawn, for its row's tooltip. */
function drawStory(c: BeamRecord['candidates'][number], draw: number): string {
  const at = c.u! * c.massLeft!;
  return `draw ${draw + 1}: u = ${formatNumber(c.u!, 4)} × undrawn mass ${formatProb(c.massLeft!)} = ${formatNumber(at, 4)}, inside [${formatNumber(c.cumBefore!, 4)}, ${formatNumber(c.cumBefore! + c.prob!, 4)}) of this candidate`;
}

export function BeamView() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const beam = trace.steps[cursor.stepIdx]?.beam;
  if (!beam) return <div className="empty">No beam record at this step.</div>;
  // Beam sampling records its candidates in draw order; the table ranks them by score either way.
  const sampled = beam.candidates.some((c) => c.u !== undefined);
  const candidates = beam.candidates.map((c, draw) => ({ c, draw })).sort((a, b) => b.c.score - a.c.score);
  const parents = new Set(beam.candidates.map((c) => c.beam)).size;
  return (
    <div style={{ padding: 14, display: 'grid', gridTemplateColumns: 'minmax(0,1fr) minmax(0,1fr)', gap: 18 }} data-view="beam">
      <div>
        <div className="insp-section">Candidates at step {beam.step}{sampled ? ' · sampled' : ''}</div>
        {sampled ? (
          <p className="muted" style={{ margin: '0 0 6px', fontSize: 12 }}>
            {beam.candidates.length} drawn without replacement from softmax(score) over {parents === 1 ? '1 beam' : `${parents} beams`} × vocabulary (P); the best-scoring
            non-EOS ones run on. Hover a row for its draw.
          </p>
        ) : null}
        <table className="mini-table">
          <thead>
            <tr>
              {sampled ? <th title="order in which the candidate was drawn">draw</th> : null}
              <th>beam · token</th><th>log p</th><th>score</th>
              {sampled ? <th title="probability of this beam · token under the softmax over all beams × vocabulary">P</th> : null}
              {sampled ? <th title="the uniform that drew it">u</th> : null}
              <th>kept</th>
            </tr>
          </thead>
          <tbody>
            {candidates.map(({ c, draw }) => (
              <tr key={draw} className={c.kept ? 'hl' : 'removed'} {...(sampled ? { 'data-drawn': draw, title: drawStory(c, draw) } : {})}>
                {sampled ? <td className="mono">#{draw + 1}</td> : null}
                <td className="mono">b{c.beam} · {label(trace, c.tokenId)}</td>
                <td className="mono">{formatSigned(c.logprob)}</td>
                <td className="mono">{formatSigned(c.score)}</td>
                {sampled ? <td className="mono">{formatProb(c.prob)}</td> : null}
                {sampled ? <td className="mono">{formatNumber(c.u, 3)}</td> : null}
                <td>{c.kept ? '✓ kept' : c.finished ? '■ finished' : '✕ pruned'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div>
        <div className="insp-section">Surviving beams</div>
        <table className="mini-table">
          <thead>
            <tr><th>beam (from parent)</th><th>score</th></tr>
          </thead>
          <tbody>
            {beam.beams.map((b, i) => (
              <tr key={i}>
                <td className="mono" style={{ whiteSpace: 'normal' }}>
                  {i} ← {b.parent}: {b.tokens.slice(-12).map((t) => label(trace, t)).join('')}
                </td>
                <td className="mono">{formatSigned(b.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {beam.finished.length ? (
          <>
            <div className="insp-section">Finished hypotheses</div>
            <table className="mini-table">
              <tbody>
                {beam.finished.map((f, i) => (
                  <tr key={i}>
                    <td className="mono">{f.tokens.slice(-12).map((t) => label(trace, t)).join('')}</td>
                    <td className="mono">{formatSigned(f.score)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </div>
    </div>
  );
}

export function ContrastiveView() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const rec = trace.steps[cursor.stepIdx]?.contrastive;
  if (!rec) return <div className="empty">No contrastive record at this step.</div>;
  const rows = [...rec.candidates].sort((a, b) => b.score - a.score);
  return (
    <div style={{ padding: 14 }} data-view="contrastive">
      <div className="insp-section">
        Contrastive search at step {rec.step} · score = (1 − α)·p − α·penalty, α = {formatNumber(rec.alpha)}
      </div>
      <table className="mini-table">
        <thead>
          <tr><th>token</th><th>confidence p</th><th>degeneration penalty</th><th>most similar pos.</th><th>score</th><th></th></tr>
        </thead>
        <tbody>
          {rows.map((c, i) => (
            <tr key={i} className={c.tokenId === rec.chosen ? 'hl' : ''}>
              <td className="mono">{label(trace, c.tokenId)}</td>
              <td className="mono">{formatProb(c.prob)}</td>
              <td className="mono">{formatNumber(c.penalty, 3)}</td>
              <td className="mono">{c.mostSimilarPosition}</td>
              <td className="mono">{formatSigned(c.score, 3)}</td>
              <td>{c.tokenId === rec.chosen ? '◀ chosen' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
