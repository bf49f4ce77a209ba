/** Status bar: model + capabilities · step i/N · τ · acceptance · tokens/s · engine state. */
import { useApp } from '../store/store';
import { formatCount, formatNumber, formatPercent } from '../format/format';
import { IS_VIEWER } from '../export/viewer-mode';

/** The one part of the bar a step changes, on its own so stepping re-renders only it. */
function StepCount() {
  const stepIdx = useApp((s) => s.cursor.stepIdx);
  const n = useApp((s) => s.trace.steps.length);
  useApp((s) => s.traceVersion);
  return (
    <span className="num" data-testid="status-step">
      step {stepIdx >= 0 ? stepIdx + 1 : 0}/{n}
    </span>
  );
}

export function StatusBar() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const transport = useApp((s) => s.transport);
  const status = useApp((s) => s.engineStatus);
  const runState = useApp((s) => s.runState);
  const source = useApp((s) => s.source);
  const model = trace.header?.models.find((m) => m.role === 'target') ?? trace.header?.models[0];
  const m = trace.metrics();
  const caps = model
    ? [
        model.manifest.kvCache && 'kv-cache',
        model.manifest.treeMask && 'tree-mask',
        model.manifest.attentions && 'attentions',
        model.manifest.hiddenStates && 'hidden',
        model.manifest.medusaHeads ? `medusa×${model.manifest.medusaHeads}` : null,
      ].filter(Boolean)
    : [];
  const engineText =
    transport === 'offline'
      ? IS_VIEWER
        ? 'exported replay (no engine)'
        : 'no engine (traces only)'
      : status.state === 'ready'
        ? `engine ready · ${transport === 'websocket' ? 'web' : 'desktop'}${runState === 'running' ? ' · running' : runState === 'paused' ? ' · paused' : ''}`
        : `engine ${status.state}${status.message ? `: ${status.message}` : ''}`;
  return (
    <footer className="panel status" data-testid="status-bar">
      <span title="model and what it can show">
        <b>{model?.id ?? '—'}</b>
        {model ? <span className="muted"> · {model.manifest.numLayers}L · V {formatCount(model.manifest.vocabSize)}</span> : null}
        {caps.map((c) => (
          <span className="cap" key={String(c)}>{c}</span>
        ))}
      </span>
      <span>
        {trace.header?.method.name ?? ''}
        {source.warnings.length ? <span className="muted" title={source.warnings.join('\n')}> · ⚠ {source.warnings.length}</span> : null}
      </span>
      <StepCount />
      <span className="num">τ {formatNumber(m.tau)}</span>
      <span className="num">acceptance {m.acceptanceRate === null ? 'n/a' : formatPercent(m.acceptanceRate)}</span>
      <span className="num">{formatNumber(m.tokensPerSecond, 1)} tok/s</span>
      <span className="spacer" />
      <span data-testid="engine-state">
        <span className={`dot ${transport === 'offline' ? 'offline' : status.state}`} />
        {engineText}
      </span>
    </footer>
  );
}
