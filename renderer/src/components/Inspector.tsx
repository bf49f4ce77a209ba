/**
 * Inspector: the numbers behind whatever is selected (hover previews, click locks). With nothing
 * selected it explains the cursor step's decision. Metrics of the whole run sit underneath.
 */
import { memo } from 'react';
import { useApp } from '../store/store';
import type { TraceIndex, OutputToken } from '../trace/trace-index';
import { distributionView } from '../trace/distribution-model';
import type { DistributionRecord } from '../../../engine/trace/schema';
import { formatMs, formatNumber, formatPercent, formatProb, formatSigned, tokenLiteral } from '../format/format';
import { TokenText, SOURCE_BADGE, SOURCE_LABEL } from './TokenText';
import { NodeDetails } from '../views/speculative/AcceptancePanel';
import { CellDetails } from '../views/jacobi/CellDetails';
import { ForkAction } from '../compare/ForkAction';

function StageTable({ trace, dist, tokenId }: { trace: TraceIndex; dist: DistributionRecord; tokenId: number }) {
  const view = distributionView(dist);
  const row = view.rows.find((r) => r.id === tokenId);
  return (
    <>
      <div className="insp-section">Through the processors</div>
      <table className="mini-table" data-testid="stage-table">
        <thead>
          <tr>
            <th>stage</th>
            <th>logit</th>
            <th>p</th>
            <th>log p</th>
          </tr>
        </thead>
        <tbody>
          {view.columns.map((c) => {
            const p = c.probs.get(tokenId);
            const removed = p === null;
            return (
              <tr key={c.key} className={removed ? 'removed' : ''}>
                <td>{c.label}</td>
                <td className="mono">{p === undefined ? '—' : formatSigned(c.logits.get(tokenId) ?? null)}</td>
                <td className="mono">{p === undefined ? 'not in top-k' : removed ? '0' : formatProb(p)}</td>
                <td className="mono">{p === undefined ? '' : formatSigned(c.logprobs.get(tokenId) ?? null)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {row?.removedBy ? <p className="muted">Removed by {row.removedBy}.</p> : null}
      <div className="insp-section">Top of the processed distribution</div>
      <table className="mini-table">
        <tbody>
          {view.rows
            .filter((r) => r.processedProb !== null && r.processedProb > 0)
            .sort((a, b) => (b.processedProb ?? 0) - (a.processedProb ?? 0))
            .slice(0, 5)
            .map((r, i) => (
              <tr key={i} className={r.id === tokenId ? 'hl' : ''}>
                <td>
                  <span className="mono">
                    <TokenText entry={trace.tokenText(r.id)} />
                  </span>
                </td>
                <td className="mono">{formatProb(r.processedProb)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

function TokenDetails({ trace, token }: { trace: TraceIndex; token: OutputToken }) {
  const entry = trace.tokenText(token.id);
  const choice = trace.choiceFor(token);
  const dist = token.distId ? trace.dists.get(token.distId) : trace.mainDistribution(token.stepIdx);
  const call = dist ? trace.calls.get(dist.callId) : undefined;
  return (
    <div data-testid="inspector-token">
      <div className="insp-token">
        <span className={`chip src-${token.source}`}>
          <TokenText entry={entry} />
          {SOURCE_BADGE[token.source] ? <span className="badge">{SOURCE_BADGE[token.source]}</span> : null}
        </span>
        <span className="muted">{SOURCE_LABEL[token.source]}</span>
      </div>
      <dl className="kv">
        <dt>id · text</dt>
        <dd>{token.id} · {tokenLiteral(entry.text)}</dd>
        {entry.bytes ? (
          <>
            <dt>bytes</dt>
            <dd>{entry.bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}</dd>
          </>
        ) : null}
        <dt>output index · step</dt>
        <dd>{token.outputIndex} · {token.step}</dd>
        {choice ? (
          <>
            <dt>rule</dt>
            <dd>{choice.rule}</dd>
            <dt>probability</dt>
            <dd data-testid="inspector-prob">{formatProb(choice.prob)}</dd>
            <dt>log-probability</dt>
            <dd>{formatSigned(choice.logprob)}</dd>
            <dt>rank</dt>
            <dd>{choice.rank + 1}</dd>
            {choice.u !== undefined ? (
              <>
                <dt>draw u</dt>
                <dd data-testid="inspector-u">{choice.u.toFixed(4)}</dd>
                <dt>landed in</dt>
                <dd>[{(choice.cumBefore ?? 0).toFixed(4)}, {((choice.cumBefore ?? 0) + choice.prob).toFixed(4)})</dd>
              </>
            ) : null}
          </>
        ) : null}
        {dist ? (
          <>
            <dt>entropy raw → processed</dt>
            <dd>{formatNumber(dist.raw.entropy)} → {formatNumber(dist.processed.entropy)}</dd>
          </>
        ) : null}
        {call ? (
          <>
            <dt>forward pass</dt>
            <dd>{call.purpose} · {formatMs(call.durationMs)}</dd>
            <dt>kv cache</dt>
            <dd>{call.cacheLenIn} → {call.cacheLenOut}</dd>
          </>
        ) : null}
      </dl>
      {dist ? <StageTable trace={trace} dist={dist} tokenId={token.id} /> : null}
    </div>
  );
}

function CandidateDetails({ trace, dist, tokenId }: { trace: TraceIndex; dist: DistributionRecord; tokenId: number }) {
  const entry = trace.tokenText(tokenId);
  const choice = trace.choiceByDist.get(dist.distId);
  return (
    <div data-testid="inspector-candidate">
      <div className="insp-token">
        <span className="chip src-target">
          <TokenText entry={entry} />
        </span>
        <span className="muted">{choice?.tokenId === tokenId ? 'the chosen token' : `candidate at step ${dist.step}`}</span>
      </div>
      <dl className="kv">
        <dt>id · text</dt>
        <dd>{tokenId} · {tokenLiteral(entry.text)}</dd>
        <dt>distribution</dt>
        <dd>{dist.distId}</dd>
      </dl>
      <ForkAction trace={trace} distId={dist.distId} tokenId={tokenId} />
      <StageTable trace={trace} dist={dist} tokenId={tokenId} />
    </div>
  );
}

/** Whole-run numbers: they change when the trace grows, not when the cursor moves (memo: no props). */
export const Metrics = memo(function Metrics() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const m = trace.metrics();
  const items: [string, string][] = [
    ['tokens', String(m.tokens)],
    ['forward passes', String(m.targetForwardPasses)],
    ['τ tokens/pass', formatNumber(m.tau)],
    ['acceptance', m.acceptanceRate === null ? 'n/a' : formatPercent(m.acceptanceRate)],
    ['tokens/s', formatNumber(m.tokensPerSecond, 1)],
    ['wall', formatMs(m.wallMs)],
  ];
  return (
    <div className="metrics" data-testid="metrics">
      {items.map(([k, v]) => (
        <div className="metric" key={k}>
          <div className="v">{v}</div>
          <div className="k">{k}</div>
        </div>
      ))}
    </div>
  );
});

export function Inspector() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const hover = useApp((s) => s.hover);
  const locked = useApp((s) => s.locked);
  const cursor = useApp((s) => s.cursor);
  const sel = hover ?? locked;
  let body: React.ReactNode = null;
  let title = 'Inspector';
  if (sel?.kind === 'token' && trace.output[sel.outputIndex]) {
    body = <TokenDetails trace={trace} token={trace.output[sel.outputIndex]!} />;
    title = hover ? 'Inspector · preview' : 'Inspector · locked';
  } else if (sel?.kind === 'candidate' && trace.dists.get(sel.distId)) {
    body = <CandidateDetails trace={trace} dist={trace.dists.get(sel.distId)!} tokenId={sel.tokenId} />;
    title = hover ? 'Inspector · preview' : 'Inspector · locked';
  } else if (sel?.kind === 'node') {
    body = <NodeDetails trace={trace} step={sel.step} node={sel.node} />;
    title = hover ? 'Inspector · preview' : 'Inspector · locked';
  } else if (sel?.kind === 'cell') {
    body = <CellDetails trace={trace} blockStart={sel.blockStart} iteration={sel.iteration} position={sel.position} />;
    title = hover ? 'Inspector · preview' : 'Inspector · locked';
  } else {
    const step = trace.steps[cursor.stepIdx];
    const token = step && step.outCount > 0 ? trace.output[step.outStart] : undefined;
    if (token) {
      body = <TokenDetails trace={trace} token={token} />;
      title = 'Inspector · current step';
    } else body = <p className="muted">Hover or click a token or a bar to see the numbers behind it.</p>;
  }
  return (
    <aside className="panel inspector" aria-label="inspector">
      <div className="panel-head">
        {title}
        <span className="spacer" />
        {locked ? <span className="head-note">Esc clears</span> : null}
      </div>
      <div className="inspector-body">{body}</div>
      <Metrics />
    </aside>
  );
}
