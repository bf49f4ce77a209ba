/** Toolbar: model ▾ method ▾ params… prompt ▶ ⏸ ⏹ | source (demo / open / save / export) | theme | ? */
import { useCallback, useEffect, useRef, useState } from 'react';
import { inspectModelFolder, modelChoice, MODEL_FOLDER_EVENT } from '../store/model-folder';
import { useApp, appStore } from '../store/store';
import { DEFAULT_FORM, buildRunRequest, type FormValues } from '../store/run-form';
import { startLiveRun, pauseLiveRun, resumeLiveRun, cancelLiveRun } from '../store/live-run';
import { RunPanel, paramsSummary } from './RunPanel';
import { DEMOS } from '../demos';
import { Icon } from './Icons';
import { RunSetBar } from '../compare/RunSetBar';
import { loadDemo, openTraceFile } from '../actions';
import { ClassroomButtons } from '../classroom/Classroom';
import { ShareMenu } from './ShareMenu';

export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 20 20" aria-hidden="true">
      <circle cx="8.5" cy="8.5" r="6" style={{ fill: 'none', stroke: 'var(--accent)', strokeWidth: 2.2 }} />
      <path d="M13 13 L18 18" style={{ stroke: 'var(--accent)', strokeWidth: 2.4, strokeLinecap: 'round' }} />
      <rect x="5" y="9" width="1.8" height="2.5" style={{ fill: 'var(--ink-2)' }} />
      <rect x="7.6" y="6" width="1.8" height="5.5" style={{ fill: 'var(--c-accepted)' }} />
      <rect x="10.2" y="7.5" width="1.8" height="4" style={{ fill: 'var(--ink-2)' }} />
    </svg>
  );
}

export function Toolbar() {
  const models = useApp((s) => s.models);
  const methods = useApp((s) => s.methods);
  const transport = useApp((s) => s.transport);
  const engineState = useApp((s) => s.engineStatus.state);
  const runState = useApp((s) => s.runState);
  const overlay = useApp((s) => s.overlay);
  const theme = useApp((s) => s.theme);
  const source = useApp((s) => s.source);
  const header = useApp((s) => s.trace.header);
  const [values, setValues] = useState<FormValues>(DEFAULT_FORM);
  const [method, setMethod] = useState('');
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('def fibonacci(n):');
  const fileInput = useRef<HTMLInputElement>(null);
  const a = appStore.getState();

  // Until the engine's method list arrives, a run uses the engine's default method rather than an empty name.
  const methodName = method || methods.find((m) => m.name === 'greedy' || m.family === 'autoregressive')?.name || methods[0]?.name || 'autoregressive';
  const description = methods.find((m) => m.name === methodName);
  const built = buildRunRequest(values, methodName, prompt, model || undefined, description);
  const engineUp = transport !== 'offline' && engineState === 'ready';
  const busy = runState === 'running' || runState === 'paused' || runState === 'starting';
  const closePanel = useCallback(() => appStore.getState().setOverlay(null), []);
  // Electron's "Open model folder…" menu item: load the chosen folder and select it for the next run.
  useEffect(() => {
    const chosen = (e: Event) => {
      void inspectModelFolder(String((e as CustomEvent<string>).detail)).then((info) => info && setModel(modelChoice(info)));
    };
    window.addEventListener(MODEL_FOLDER_EVENT, chosen);
    return () => window.removeEventListener(MODEL_FOLDER_EVENT, chosen);
  }, []);

  const run = () => {
    if (!built.request) {
      a.setOverlay('run');
      a.showToast('error', `Fix the parameters first: ${Object.values(built.errors).join('; ')}`);
      return;
    }
    void startLiveRun(appStore, built.request);
  };

  return (
    <header className="panel toolbar" role="toolbar" aria-label="run controls">
      <div className="brand">
        <BrandMark />
        <span className="brand-name">Decodescope</span>
      </div>
      <select className="input" aria-label="model" title="model" data-testid="model-select" value={model} onChange={(e) => setModel(e.target.value)} disabled={!engineUp} style={{ width: '8em' }}>
        {models.length === 0 ? <option value="">{header?.models[0]?.id ?? 'model'}</option> : null}
        {models.map((m) => (
          <option key={m.path} value={modelChoice(m)}>{m.id}{m.bundled ? '' : ' (folder)'}</option>
        ))}
      </select>
      <select className="input" aria-label="method" title="decoding method" data-testid="method-select" value={methodName} onChange={(e) => setMethod(e.target.value)} disabled={!engineUp} style={{ width: '10.5em' }}>
        {methods.length === 0 ? <option value="">{header?.method.name ?? 'method'}</option> : null}
        {methods.map((m) => (
          <option key={m.name} value={m.name} title={m.description}>{m.name}</option>
        ))}
      </select>
      <button className={`btn ${overlay === 'run' ? 'on' : ''}`} data-run-panel-toggle data-testid="params-button" onClick={() => a.setOverlay(overlay === 'run' ? null : 'run')} title="generation parameters">
        <span className="params-summary">{paramsSummary(values, description)}</span> ▾
      </button>
      <input
        className="input prompt"
        aria-label="prompt"
        data-testid="prompt"
        placeholder="prompt"
        value={prompt}
        onChange={(e) => setPrompt(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && engineUp && !busy) run();
        }}
      />
      <button className="btn primary" onClick={run} disabled={!engineUp || busy || !built.request} data-testid="run" title={engineUp ? 'Start the run' : 'No engine connected'}>
        ▶ Run
      </button>
      <button
        className="btn icon"
        disabled={!busy || runState === 'starting'}
        data-testid="pause"
        title={runState === 'paused' ? 'Resume the run' : 'Pause the run'}
        aria-label={runState === 'paused' ? 'resume run' : 'pause run'}
        onClick={() => (runState === 'paused' ? resumeLiveRun(appStore) : pauseLiveRun(appStore))}
      >
        <Icon name={runState === 'paused' ? 'play' : 'pause'} />
      </button>
      <button className="btn icon" disabled={!busy} data-testid="cancel" title="Cancel the run (keeps what was recorded)" aria-label="cancel run" onClick={() => cancelLiveRun(appStore)}>
        <Icon name="stop" />
      </button>
      <span className="sep" />
      <select className="input" aria-label="open a demo" value="" onChange={(e) => {
          if (e.target.value) void loadDemo(e.target.value);
          e.target.blur();
        }} style={{ width: '6.5em' }}>
        <option value="">Demos</option>
        {DEMOS.map((d) => (
          <option key={d.name} value={d.name}>{d.name}</option>
        ))}
      </select>
      <button className="btn" onClick={() => fileInput.current?.click()} title="Open a trace file (or drop one on the window)">Open…</button>
      <input
        ref={fileInput}
        type="file"
        accept=".jsonl,.gz,application/x-ndjson"
        data-testid="open-trace-input"
        style={{ display: 'none' }}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void openTraceFile(f);
          e.target.value = '';
        }}
      />
      <RunSetBar />
      <span className="sep" />
      <ShareMenu />
      <ClassroomButtons />
      <button className="btn icon" title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} aria-label="toggle theme" data-testid="theme" onClick={() => a.setTheme(theme === 'dark' ? 'light' : 'dark')}>
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button className="btn icon" title="Keyboard shortcuts (?)" aria-label="keyboard shortcuts" onClick={() => a.setOverlay('shortcuts')}>?</button>
      {overlay === 'run' ? <RunPanel values={values} method={description} onChange={setValues} model={model} onModel={setModel} onClose={closePanel} /> : null}
    </header>
  );
}
