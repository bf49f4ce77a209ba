/**
 * The Breakpoints tab: the list (enable, delete, hits on this trace or why it cannot hit), a form to
 * add a breakpoint or logpoint, where the last continue stopped, and the log output.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp, appStore } from '../store/store';
import type { TraceIndex } from '../trace/trace-index';
import { useDebug, debugStore } from './debug-store';
import { CONDITION_LABELS, LOG_PLACEHOLDERS, describeCondition, evaluateStep, unsupportedReason, type Breakpoint, type Condition, type ConditionKind } from './breakpoints';

const KINDS = Object.keys(CONDITION_LABELS) as ConditionKind[];

const VALUE_HINT: Record<ConditionKind, string> = {
  rejection: '',
  'accepted-below': 'k, e.g. 2',
  'entropy-above': 'nats, e.g. 2.5',
  'prob-below': 'p, e.g. 0.05',
  text: 'text, or a regex when ticked',
  step: 'step number',
};

function conditionFrom(kind: ConditionKind, value: string, regex: boolean): Condition {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  switch (kind) {
    case 'rejection':
      return { kind };
    case 'accepted-below':
      return { kind, k: n };
    case 'entropy-above':
      return { kind, nats: n };
    case 'prob-below':
      return { kind, p: n };
    case 'step':
      return { kind, step: n };
    case 'text': {
      // "/pattern/flags" is read as a regular expression with flags.
      const slashed = regex ? /^\/(.+)\/([a-z]*)$/.exec(value) : null;
      return slashed ? { kind, pattern: slashed[1]!, regex, flags: slashed[2] } : { kind, pattern: value, regex };
    }
  }
}

function hitSteps(trace: TraceIndex, b: Breakpoint): number[] {
  const on = { ...b, enabled: true };
  const steps: number[] = [];
  for (let i = 0; i < trace.steps.length; i++) if (evaluateStep(trace, i, [on]).length) steps.push(i);
  return steps;
}

function AddForm() {
  const [kind, setKind] = useState<ConditionKind>('rejection');
  const [value, setValue] = useState('');
  const [regex, setRegex] = useState(false);
  const [log, setLog] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    const err = debugStore.getState().add(conditionFrom(kind, value, regex), log);
    setError(err);
    if (!err) {
      setValue('');
      setLog('');
    }
  };
  return (
    <form
      className="bp-add"
      data-testid="bp-add"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="bp-add-row">
        <select className="input" aria-label="condition" data-testid="bp-kind" value={kind} onChange={(e) => (setKind(e.target.value as ConditionKind), setError(null))}>
          {KINDS.map((k) => (
            <option key={k} value={k}>{CONDITION_LABELS[k]}</option>
          ))}
        </select>
        {kind !== 'rejection' ? (
          <input
            className={`input bp-value ${error && !error.startsWith('Unknown placeholder') ? 'invalid' : ''}`}
            aria-label="condition value"
            data-testid="bp-value"
            placeholder={VALUE_HINT[kind]}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        ) : null}
        {kind === 'text' ? (
          <label className="bp-check" title="Read the text as a regular expression (/pattern/flags also works)">
            <input type="checkbox" checked={regex} data-testid="bp-regex" onChange={(e) => setRegex(e.target.checked)} /> regex
          </label>
        ) : null}
      </div>
      <div className="bp-add-row">
        <input
          className="input bp-log-input"
          aria-label="log message"
          data-testid="bp-log"
          placeholder="log message → logpoint, e.g. step {step}: accepted {accepted}/{drafted}"
          title={`Placeholders: ${LOG_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`}
          value={log}
          onChange={(e) => setLog(e.target.value)}
        />
        <button className="btn primary" type="submit" data-testid="bp-submit">{log.trim() ? 'Add logpoint' : 'Add breakpoint'}</button>
      </div>
      <div className="bp-placeholders muted">
        log placeholders: <span className="mono">{LOG_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}</span> · entropy in nats
      </div>
      {error ? <div className="bp-error" role="alert" data-testid="bp-error">{error}</div> : null}
    </form>
  );
}

function BreakpointRow({ b, trace, hits }: { b: Breakpoint; trace: TraceIndex; hits: number[] }) {
  const reason = unsupportedReason(trace, b.condition);
  const first = hits[0];
  return (
    <li className={`bp-row ${b.enabled ? '' : 'off'}`} data-testid="bp-row" data-kind={b.condition.kind}>
      <input type="checkbox" checked={b.enabled} aria-label={`enable ${describeCondition(b.condition)}`} onChange={(e) => debugStore.getState().setEnabled(b.id, e.target.checked)} />
      <span className={`bp-mark ${b.log ? 'log' : 'stop'}`} aria-hidden="true" />
      <span className="bp-desc">
        <span>{b.log ? 'log when ' : 'stop when '}{describeCondition(b.condition)}</span>
        {b.log ? <span className="bp-template mono">{b.log}</span> : null}
        {reason ? <span className="bp-na" data-testid="bp-na">{reason}</span> : null}
      </span>
      {reason ? null : (
        <button
          className="btn small bp-hits"
          title={first !== undefined ? 'Go to the first step where it holds' : 'It holds nowhere in this trace (yet)'}
          disabled={first === undefined}
          onClick={() => first !== undefined && appStore.getState().gotoStep(first)}
        >
          {hits.length} {hits.length === 1 ? 'hit' : 'hits'}
        </button>
      )}
      <button className="btn small" aria-label={`delete ${describeCondition(b.condition)}`} title="Delete" onClick={() => debugStore.getState().remove(b.id)}>✕</button>
    </li>
  );
}

function LogOutput() {
  const log = useDebug((s) => s.log);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [log]);
  return (
    <section className="bp-log" aria-label="breakpoint log">
      <div className="bp-section">
        Log <span className="muted">({log.length})</span>
        <span className="spacer" />
        <button className="btn small" onClick={() => debugStore.getState().clearLog()} disabled={log.length === 0}>Clear</button>
      </div>
      <div className="bp-log-lines mono" data-testid="bp-log-lines">
        {log.length === 0 ? <div className="muted bp-log-empty">Logpoints print here as F8 passes them; stops are listed too.</div> : null}
        {log.map((l, i) => (
          <div key={i} className={`bp-line ${l.kind}`} data-testid={`bp-line-${l.kind}`}>
            <button className="bp-step" title="Go to this step" onClick={() => appStore.getState().gotoStep(l.stepIdx)}>#{l.step}</button>
            <span className="bp-line-icon" title={l.kind === 'stop' ? 'stopped here' : 'logpoint'}>
              <span className={`bp-mark ${l.kind === 'stop' ? 'stop' : 'log'}`} />
            </span>
            <span className="bp-msg">{l.message}</span>
          </div>
        ))}
        <div ref={end} />
      </div>
    </section>
  );
}

export function BreakpointsPanel() {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const breakpoints = useDebug((s) => s.breakpoints);
  const lastStop = useDebug((s) => s.lastStop);
  const warning = useDebug((s) => s.loadWarning);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const hits = useMemo(() => new Map(breakpoints.map((b) => [b.id, hitSteps(trace, b)])), [trace, version, breakpoints]);
  return (
    <div className="bp-panel" data-view="breakpoints" data-testid="breakpoints-panel">
      <section className="bp-list-col">
        <div className="bp-section">Breakpoints &amp; logpoints</div>
        {warning ? <div className="bp-na">{warning}</div> : null}
        {breakpoints.length === 0 ? (
          <p className="muted bp-empty">None yet. Add one below, then press <kbd>F8</kbd> to continue to the next step where it holds.</p>
        ) : (
          <ul className="bp-list">
            {breakpoints.map((b) => (
              <BreakpointRow key={b.id} b={b} trace={trace} hits={hits.get(b.id) ?? []} />
            ))}
          </ul>
        )}
        <AddForm />
        {lastStop ? (
          <div className="bp-stopped" data-testid="bp-stopped">
            <span className="bp-mark stop" aria-hidden="true" />
            <span>
              Stopped at step <b className="num">#{lastStop.step}</b>: {lastStop.details.join('; ')}
            </span>
          </div>
        ) : null}
        <p className="muted bp-keys">
          <kbd>F8</kbd> continue · <kbd>Shift+F8</kbd> reverse continue · <kbd>Shift+F7</kbd> step back into the previous sub-step
        </p>
      </section>
      <LogOutput />
    </div>
  );
}
