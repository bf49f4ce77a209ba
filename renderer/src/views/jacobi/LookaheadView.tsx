/**
 * Lookahead decoding at the cursor's step: the 2-D window (levels by absolute position, the new level
 * the pass produced), the n-gram pool for the last token (this step's insertions marked), every
 * candidate that was verified with how many of its tokens matched, and the one that was accepted.
 */
import { useMemo } from 'react';
import { useApp } from '../../store/store';
import { useTraceDerived } from '../use-trace-derived';
import { tokenLabel } from '../../format/format';
import type { TraceIndex } from '../../trace/trace-index';
import { traceExtras } from '../trace-extras';
import { useWalkLit } from '../../walkthrough/highlight';
import { poolAfter, windowLayout, type PoolEntry } from './lookahead-model';

function Tok({ trace, id, cls, title }: { trace: TraceIndex; id: number; cls?: string; title?: string }) {
  const e = trace.tokenText(id);
  return (
    <span className={`la-tok mono ${cls ?? ''}`} title={title}>
      {tokenLabel(e.text, e.bytes)}
    </span>
  );
}

export function LookaheadView() {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const litWindow = useWalkLit('lookahead-window');
  const litCand = useWalkLit('lookahead-candidate');
  const litPool = useWalkLit('lookahead-pool');
  const extras = useTraceDerived(traceExtras);
  const step = trace.steps[cursor.stepIdx]?.step ?? -1;
  const rec = extras.lookaheadByStep.get(step) ?? [...extras.lookahead].reverse().find((r) => r.step <= step) ?? extras.lookahead[0];
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const pool = useMemo(() => (rec ? poolAfter(extras.lookahead, rec.step) : new Map<number, PoolEntry[]>()), [extras, rec, version]);
  if (!rec) return <div className="empty">No lookahead records in this trace.</div>;
  const layout = windowLayout(rec);
  const keyPool = pool.get(rec.last.id) ?? [];
  const others = [...pool.entries()].filter(([k]) => k !== rec.last.id);
  const inserted = rec.poolInsertions.filter((p) => p.action === 'added').length;
  return (
    <div className="la-view" data-view="lookahead">
      <div className="spec-head">
        <span className="spec-title">Lookahead step {rec.step}{rec.step !== step ? ' (nearest recorded)' : ''}</span>
        <span className="muted">
          N {rec.config.level} · W {rec.config.window} · G {rec.config.guessSetSize} · {rec.phase === 'fill' ? 'filling the window' : 'window full'} ·{' '}
          {rec.passes === 'single' ? 'one pass with the 4-D lookahead mask' : 'window and verification as separate passes'}
        </span>
      </div>
      <div className="la-body">
        <section>
          <div className="spec-sub">Window (Jacobi iterations over future positions), after <Tok trace={trace} id={rec.last.id} cls="la-key" title="last committed token" /> at position {rec.last.position}</div>
          <div className="la-grid" style={{ gridTemplateColumns: `88px repeat(${layout.columns}, minmax(34px, 1fr))` }} data-testid="lookahead-window">
            <span className="la-h" />
            {Array.from({ length: layout.columns }, (_, i) => (
              <span key={i} className="la-h mono">{layout.start + i}</span>
            ))}
            {layout.rows.map((row) => (
              <div key={row.label} className="la-row" style={{ display: 'contents' }}>
                <span className={`la-label ${row.kind === 'new' ? 'la-new-label' : ''}`} data-walk-lit={litWindow.has(`lookahead-window:${rec.step}:${row.kind === 'new' ? 'new' : row.label.replace('level ', '')}`) ? 'true' : undefined}>{row.label}</span>
                {Array.from({ length: layout.columns }, (_, i) => {
                  const k = layout.start + i - row.startPosition;
                  const id = k >= 0 && k < row.tokens.length ? row.tokens[k] : undefined;
                  const lit = litWindow.has(`lookahead-window:${rec.step}:${row.kind === 'new' ? 'new' : row.label.replace('level ', '')}`);
                  return id === undefined ? <span key={i} /> : <Tok key={i} trace={trace} id={id} cls={`${row.kind === 'new' ? 'la-newtok' : ''}${lit ? ' walk-lit' : ''}`} />;
                })}
              </div>
            ))}
          </div>
        </section>
        <section className="la-cols">
          <div>
            <div className="spec-sub">Verified candidates for <Tok trace={trace} id={rec.last.id} cls="la-key" /></div>
            {rec.candidates.length === 0 ? <p className="muted">No pool n-gram starts here{rec.phase === 'fill' ? ' (the pool fills once the window is full)' : ''}: the step commits the target's own token.</p> : null}
            <div data-testid="lookahead-candidates">
              {rec.candidates.map((c, ci) => {
                const chosen = ci === rec.verified.candidate;
                return (
                  <div key={ci} className={`la-cand ${chosen ? 'chosen' : ''}`} data-chosen={chosen ? 'true' : undefined} data-walk-lit={litCand.has(`lookahead-candidate:${rec.step}:${ci}`) ? 'true' : undefined}>
                    <span className="mono muted">#{ci}</span>
                    {c.ngram.map((id, k) => (
                      <Tok key={k} trace={trace} id={id} cls={k < c.matchLength ? 'ok' : 'bad'} title={k < c.matchLength ? 'matched the target' : 'did not match'} />
                    ))}
                    <span className="muted">
                      {k2(c.matchLength)} matched{chosen ? ` · accepted ${rec.verified.acceptedLength} + 1 from the target` : ''}
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
          <div>
            <div className="spec-sub">
              N-gram pool · {rec.poolSize} stored · this step {inserted} added, {rec.poolInsertions.length - inserted} refreshed
            </div>
            <div className="la-pool" data-testid="lookahead-pool">
              <div className="la-pool-key" data-walk-lit={litPool.has(`lookahead-pool:${rec.step}:${rec.last.id}`) ? 'true' : undefined}>
                key <Tok trace={trace} id={rec.last.id} cls="la-key" /> ({keyPool.length})
              </div>
              {keyPool.map((e, i) => (
                <div key={i} className={`la-entry ${e.touched ?? ''}`}>
                  {e.ngram.map((id, k) => <Tok key={k} trace={trace} id={id} />)}
                  {e.touched ? <span className="la-badge">{e.touched === 'added' ? '+ new' : '↻ refreshed'}</span> : null}
                </div>
              ))}
              {others.slice(0, 12).map(([key, list]) => (
                <div key={key} className="la-entry other">
                  <span className="muted">key</span> <Tok trace={trace} id={key} cls="la-key" /> <span className="muted">{list.length} n-gram{list.length === 1 ? '' : 's'}</span>
                  {list.some((e) => e.touched) ? <span className="la-badge">{list.filter((e) => e.touched).length} touched</span> : null}
                </div>
              ))}
              {others.length > 12 ? <div className="muted">… {others.length - 12} more keys</div> : null}
            </div>
          </div>
        </section>
      </div>
    </div>
  );
}

function k2(n: number): string {
  return `${n} token${n === 1 ? '' : 's'}`;
}
