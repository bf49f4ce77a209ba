/** The exported page's toolbar: what this replay is and where it came from, in place of the run controls. */
import { useApp, appStore } from '../store/store';
import { exportView, saveTrace } from '../actions';
import { BrandMark } from '../components/Toolbar';
import { exportNote, exportTitle } from '../../../engine/trace/export-html';
import { viewerExportInfo } from './viewer-mode';

export function ViewerBar() {
  const theme = useApp((s) => s.theme);
  const header = useApp((s) => s.trace.header);
  const info = viewerExportInfo();
  const a = appStore.getState();
  // "method · name" when the file had its own name; just the method when it was a demo of that method.
  const title = info ? exportTitle(info).replace(/ — Decodescope$/, '') : (header?.method.name ?? 'no trace');
  return (
    <header className="panel toolbar viewer-bar" role="toolbar" aria-label="replay">
      <div className="brand">
        <BrandMark />
        Decodescope
      </div>
      <span className="sep" />
      <span className="viewer-title" data-testid="viewer-title">{title}</span>
      <span className="viewer-note muted" data-testid="viewer-note" title={info?.sidecarLeftOut ? `The trace's binary sidecar (${info.sidecarLeftOut}) is not part of this file.` : undefined}>
        {info ? exportNote(info) : 'exported from Decodescope'}
      </span>
      <span className="spacer" style={{ flex: 1 }} />
      <button className="btn" onClick={() => void saveTrace()} disabled={!header} data-testid="save-trace" title="Save the trace inside this page as JSON Lines (Ctrl+S)">Save trace</button>
      <div className="seg tall" role="group" aria-label="export the view">
        <button title="Export the view as PNG (Ctrl+Shift+E)" data-testid="export-png" onClick={() => void exportView('png')}>PNG</button>
        <button title="Export the view as SVG" data-testid="export-svg" onClick={() => void exportView('svg')}>SVG</button>
      </div>
      <button className="btn icon" title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} aria-label="toggle theme" data-testid="theme" onClick={() => a.setTheme(theme === 'dark' ? 'light' : 'dark')}>
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button className="btn icon" title="Keyboard shortcuts (?)" aria-label="keyboard shortcuts" onClick={() => a.setOverlay('shortcuts')}>?</button>
    </header>
  );
}
