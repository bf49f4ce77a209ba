/**
 * The Lossless tab: run a method and plain autoregressive decoding on the engine and read, with numbers,
 * whether the method changed the output (greedy: token for token; sampling: per-position chi-square tests).
 * Green = no difference found, red = a difference, as for accepted/rejected drafts everywhere else.
 */
import { useEffect } from 'react';
import { useApp } from '../../store/store';
import { engineClient } from '../../store/live-run';
import { tokenLabel } from '../../format/format';
import type { ReportToken } from '../../../../engine/analysis/lossless-report';
import { defaultMethod, formProblems, greedyRows, runCount, samplingRows, setupLine, verdictOf, type LosslessForm, type SamplingRow } from './lossless-model';
import { losslessStore, useLossless } from './lossless-store';
import './lossless.css';

function Tok({ token, kind }: { token: ReportToken | null; kind?: 'method' | 'baseline' | 'wrong' }) {
  if (token === null) return <span className="ll-tok ended">(end)</span>;
  return (
    <span className={`ll-tok ${kind ?? ''}`} title={`token #${token.id}: ${JSON.stringify(token.text)}`}>
      {tokenLabel(token.text) || '∅'}
    </span>
  );
}

function NumberField({ id, label, value, onChange, step = 1, min, max, invalid, disabled }: { id: string; label: string; value: number; onChange(v: number): void; step?: number; min?: number; max?: number; invalid?: boolean; disabled?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} className={`input num ${invalid ? 'invalid' : ''}`} type="number" value={Number.isFinite(value) ? value : ''} disabled={disabled} step={step} min={min} max={max} onChange={(e) => onChange(e.target.value === '' ? NaN : Number(e.target.value))} />
    </div>
  );
}

/** Total-variation bar: the observed TV, with a tick at the TV sampling alone gives at this sample size. */
function TvBar({ row }: { row: SamplingRow }) {
  const w = 96;
  return (
    <svg width={w} height={12} className="ll-tv" aria-hidden="true">
      <rect x={0} y={3} width={w} height={6} rx={2} style={{ fill: 'var(--panel-2)', stroke: 'var(--line)' }} />
      <rect x={0} y={3} width={Math.max(1, row.tv * w)} height={6} rx={2} style={{ fill: row.different ? 'var(--c-rejected)' : 'var(--bar)' }} />
      <line x1={row.tvNoise * w} x2={row.tvNoise * w} y1={0} y2={12} style={{ stroke: 'var(--ink)', strokeWidth: 1.5 }} />
    </svg>
  );
}

function disabledReason(transport: string, state: string, message: string | undefined): string | null {
  if (transport === 'offline') return 'No engine is connected: the lossless check decodes on the models, so it needs the engine (start Decodescope with `npm start` or `decodescope serve`).';
  if (state !== 'ready') return state === 'connecting' || state === 'restarting' ? 'Waiting for the engine…' : `The engine is not available${message ? `: ${message}` : ''}.`;
  return null;
}

function CheckForm({ disabled }: { disabled: boolean }) {
  const methods = useApp((s) => s.methods);
  const form = useLossless((s) => s.form);
  const status = useLossless((s) => s.status);
  const setForm = useLossless((s) => s.setForm);
  const setParam = useLossless((s) => s.setParam);
  const method = methods.find((m) => m.name === form.method);
  const problems = formProblems(form, methods);
  const bad = (f: string) => problems.some((p) => p.field === f);
  const running = status === 'running';
  const set = (patch: Partial<LosslessForm>) => setForm(patch);
  const knobs = method?.params ?? [];
  return (
    <>
      <div className="ll-form">
        <div className="field">
          <label htmlFor="ll-method">method</label>
          <select id="ll-method" data-testid="lossless-method" className="input" value={form.method} disabled={disabled || running} onChange={(e) => set({ method: e.target.value })}>
            {methods.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
                {m.lossless ? '' : ' (lossy)'}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label>mode</label>
          <div className="seg tall" role="radiogroup" aria-label="check mode">
            {(['greedy', 'sampling'] as const).map((mode) => (
              <button key={mode} role="radio" aria-checked={form.mode === mode} data-testid={`lossless-mode-${mode}`} className={form.mode === mode ? 'on' : ''} disabled={disabled || running} onClick={() => set({ mode })}>
                {mode}
              </button>
            ))}
          </div>
        </div>
        {form.mode === 'greedy' ? (
          <NumberField id="ll-tokens" disabled={disabled || running} label="tokens / prompt" value={form.tokens} min={1} max={512} invalid={bad('tokens')} onChange={(tokens) => set({ tokens })} />
        ) : (
          <>
            <NumberField id="ll-samples" disabled={disabled || running} label="samples / side" value={form.samples} min={10} max={10000} step={10} invalid={bad('samples')} onChange={(samples) => set({ samples })} />
            <NumberField id="ll-positions" disabled={disabled || running} label="positions" value={form.positions} min={1} max={64} invalid={bad('positions')} onChange={(positions) => set({ positions })} />
            <NumberField id="ll-temperature" disabled={disabled || running} label="temperature" value={form.temperature} step={0.1} min={0.05} invalid={bad('temperature')} onChange={(temperature) => set({ temperature })} />
            <NumberField id="ll-seed" disabled={disabled || running} label="seed" value={form.seed} min={0} invalid={bad('seed')} onChange={(seed) => set({ seed })} />
          </>
        )}
      </div>
      {knobs.length ? (
        <div className="ll-form ll-knobs" aria-label={`${form.method} parameters`}>
          <span className="ll-knobs-title">{form.method} parameters</span>
          {knobs.map((p) => (
            <div className="field" key={p.name} title={p.help}>
              <label htmlFor={`ll-param-${p.name}`}>{p.name}</label>
              <input
                id={`ll-param-${p.name}`}
                className={`input num ${bad(`params.${p.name}`) ? 'invalid' : ''}`}
                type="number"
                value={form.params[p.name] ?? p.default}
                min={p.min}
                max={p.max}
                step={p.step}
                disabled={disabled || running}
                onChange={(e) => setParam(p.name, e.target.value === '' ? NaN : Number(e.target.value))}
              />
            </div>
          ))}
        </div>
      ) : null}
    </>
  );
}

function Progress() {
  const status = useLossless((s) => s.status);
  const progress = useLossless((s) => s.progress);
  if (status !== 'running') return null;
  const share = progress && progress.total > 0 ? progress.done / progress.total : 0;
  return (
    <div className="ll-progress" data-testid="lossless-progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress?.total ?? 0} aria-valuenow={progress?.done ?? 0}>
      <div className="ll-progress-track">
        <div className="ll-progress-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <span className="mono">{progress ? `${progress.done}/${progress.total} runs · ${progress.label}` : 'starting…'}</span>
    </div>
  );
}

function Report() {
  const report = useLossless((s) => s.report);
  if (!report) return null;
  const verdict = verdictOf(report);
  return (
    <div className="ll-report" data-testid="lossless-report">
      <div className={`ll-verdict ${verdict.kind}`} data-testid="lossless-verdict" data-verdict={report.verdict}>
        <span className="ll-badge">
          <span aria-hidden="true">{verdict.kind === 'pass' ? '✓' : '✗'}</span> {verdict.label}
        </span>
        <span className="ll-summary">{verdict.summary.replace(/^DIFFERENT: /, '')}</span>
      </div>
      <div className="ll-setup">
        {setupLine(report)}
        {report.variant ? <span className="ll-variant"> · variant: {report.variant}</span> : null}
      </div>
      {report.mode === 'greedy' ? (
        <table className="ll-table" data-testid="lossless-table">
          <thead>
            <tr>
              <th>#</th>
              <th className="left">prompt</th>
              <th title="tokens: method / greedy">tokens (method / greedy)</th>
              <th title="target forward passes: method / greedy">target passes (method / greedy)</th>
              <th className="left">result</th>
            </tr>
          </thead>
          <tbody>
            {greedyRows(report).map((r) => (
              <tr key={r.index} className={r.identical ? 'same' : r.divergence?.nearTie ? 'tie' : 'diff'}>
                <td>{r.index}</td>
                <td className="left mono prompt-cell" title={r.prompt}>
                  {tokenLabel(r.prompt)}
                </td>
                <td className="mono">{r.tokens}</td>
                <td className="mono">{r.passes}</td>
                <td className="left">
                  {r.identical || !r.divergence ? (
                    <span className="ll-mark pass">✓ identical</span>
                  ) : (
                    <span className={`ll-mark ${r.divergence.nearTie ? 'pass' : 'fail'}`}>
                      {r.divergence.nearTie ? '≈ near-tie' : '✗ differs'} at {r.divergence.position}: <Tok token={r.divergence.method} kind="wrong" /> vs greedy <Tok token={r.divergence.baseline} kind="baseline" />
                      <span className="ll-gap"> gap {r.divergence.gap}</span>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <table className="ll-table" data-testid="lossless-table">
          <thead>
            <tr>
              {report.results.some((r) => r.promptIndex > 0) ? <th>prompt</th> : null}
              <th>pos</th>
              <th className="left" title="total-variation distance between the two marginals; the tick is the TV sampling alone gives">TV (tick: chance)</th>
              <th>TV</th>
              <th>chance</th>
              <th>χ²</th>
              <th>df</th>
              <th>p</th>
              <th>adj. p</th>
              <th className="left">result</th>
              <th className="left">most frequent (method / baseline)</th>
            </tr>
          </thead>
          <tbody>
            {samplingRows(report).map((r) => (
              <tr key={r.key} className={r.different ? 'diff' : 'same'}>
                {report.results.some((x) => x.promptIndex > 0) ? <td>{r.prompt}</td> : null}
                <td>{r.position}</td>
                <td className="left">
                  <TvBar row={r} />
                </td>
                <td className="mono">{r.tv.toFixed(3)}</td>
                <td className="mono muted">{r.tvNoise.toFixed(3)}</td>
                <td className="mono">{r.chiSquare}</td>
                <td className="mono">{r.df}</td>
                <td className="mono">{r.p}</td>
                <td className="mono">{r.adjustedP}</td>
                <td className="left">{r.different ? <span className="ll-mark fail">✗ differs</span> : <span className="ll-mark pass">✓ same</span>}</td>
                <td className="left ll-top">
                  {r.top.map((t, i) => (
                    <span key={i} className="ll-count">
                      <Tok token={t.token} /> <span className="mono">{t.method}/{t.baseline}</span>
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.notes.length ? (
        <ul className="ll-notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function LosslessView() {
  const methods = useApp((s) => s.methods);
  const transport = useApp((s) => s.transport);
  const engineStatus = useApp((s) => s.engineStatus);
  const form = useLossless((s) => s.form);
  const status = useLossless((s) => s.status);
  const error = useLossless((s) => s.error);
  const hasReport = useLossless((s) => s.report !== null);
  const reason = disabledReason(transport, engineStatus.state, engineStatus.message);
  useEffect(() => {
    if (!methods.some((m) => m.name === form.method) && methods.length) losslessStore.getState().setForm({ method: defaultMethod(methods) });
  }, [methods, form.method]);
  const problems = formProblems(form, methods);
  const running = status === 'running';
  const start = () => {
    const client = engineClient();
    if (client) void losslessStore.getState().run(client, methods);
  };
  return (
    <div className="lossless" data-view="lossless" data-status={status}>
      <div className="ll-head">
        <div>
          <h3>Lossless check</h3>
          <p className="ll-intro">
            Runs the method and plain autoregressive decoding and compares them: <b>greedy</b> token for token on 5 code prompts; <b>sampling</b> as distributions over independent seeds (per-position χ² tests, Holm-adjusted, and total-variation distance).
          </p>
        </div>
      </div>
      <CheckForm disabled={reason !== null} />
      <div className="ll-actions">
        <button className="btn primary" data-testid="lossless-run" disabled={reason !== null || running || problems.length > 0} onClick={start}>
          Run check
        </button>
        <button className="btn" data-testid="lossless-cancel" disabled={!running} onClick={() => losslessStore.getState().cancel()}>
          Cancel
        </button>
        <span className="ll-hint">
          {reason ? (
            <span data-testid="lossless-disabled">{reason}</span>
          ) : problems.length ? (
            <span className="ll-problem">{problems.map((p) => p.message).join('; ')}</span>
          ) : (
            `${runCount(form)} runs`
          )}
        </span>
      </div>
      <Progress />
      {status === 'error' && error ? (
        <div className="ll-error" role="alert" data-testid="lossless-error">
          {error}
        </div>
      ) : null}
      {status === 'cancelled' ? <div className="ll-hint">Check cancelled{hasReport ? '; the last report is still shown' : ''}.</div> : null}
      <Report />
    </div>
  );
}
