/** The shortcuts sheet (a modal keyboard layer) and the toast line for errors and notes. */
import { useEffect } from 'react';
import { useApp } from '../store/store';
import { keyboard } from '../keyboard/keyboard-manager';

export const SHORTCUTS: [string, string][] = [
  ['F8', 'continue: play to the end / pause (live: resume / pause the run); with breakpoints: to the next hit'],
  ['Shift+F8', 'reverse continue: back to the previous breakpoint hit'],
  ['F10  or  →', 'next token (over the sub-steps)'],
  ['←  or  Shift+F10', 'previous token'],
  ['F11', 'step into: forward → processors → draw → commit (draft → verify → commit)'],
  ['Shift+F11', 'step out to the token'],
  ['Shift+F7', 'step back: the previous sub-step (into the previous step’s sub-steps)'],
  ['Space', 'play / pause the replay'],
  ['Home / End', 'first / last step'],
  ['Esc', 'clear the selection (or close this sheet)'],
  ['Ctrl+O', 'open a trace file'],
  ['Ctrl+S', 'save the trace'],
  ['Ctrl+Shift+E', 'export the view as PNG (with Alt: SVG)'],
  ['Ctrl+Shift+H', 'export the run as one HTML file (replays offline)'],
  ['T', 'light / dark theme'],
  ['P', 'colour tokens by source / probability'],
  ['W', 'walk through this run, one beat at a time'],
  ['Space / Backspace', 'walkthrough: text first, then its action; back one beat (Esc leaves)'],
  ['PgDn / PgUp', 'walkthrough: next / previous step'],
  ['F5  or  Shift+P', 'classroom mode: large type for a projector'],
  ['?', 'this sheet'],
];

export function ShortcutsSheet() {
  const overlay = useApp((s) => s.overlay);
  const setOverlay = useApp((s) => s.setOverlay);
  useEffect(() => {
    if (overlay !== 'shortcuts') return;
    return keyboard.push({ id: 'shortcuts', priority: 100, modal: true, handlers: { Escape: () => setOverlay(null), '?': () => setOverlay(null) } });
  }, [overlay, setOverlay]);
  if (overlay !== 'shortcuts') return null;
  return (
    <div className="scrim" onClick={() => setOverlay(null)}>
      <div className="sheet" role="dialog" aria-label="keyboard shortcuts" data-testid="shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <div className="keys">
          {SHORTCUTS.map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <span>
                {k.split(/\s{2}or\s{2}|\s\/\s/).map((part, i) => (
                  <span key={i}>
                    {i > 0 ? ' ' : ''}
                    <kbd>{part}</kbd>
                  </span>
                ))}
              </span>
              <span>{v}</span>
            </div>
          ))}
        </div>
        <p className="muted" style={{ marginBottom: 0 }}>Debugger keys as in Chrome DevTools; hold a key to step continuously.</p>
      </div>
    </div>
  );
}

export function Toast() {
  const toast = useApp((s) => s.toast);
  const clear = useApp((s) => s.clearToast);
  useEffect(() => {
    if (!toast || toast.kind === 'error') return;
    const t = setTimeout(clear, 5000);
    return () => clearTimeout(t);
  }, [toast, clear]);
  if (!toast) return null;
  return (
    <div className={`toast ${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${toast.kind}`}>
      <span aria-hidden="true">{toast.kind === 'error' ? '⚠' : 'ℹ'}</span>
      <span className="msg">{toast.message}</span>
      <button className="btn small" onClick={clear} aria-label="dismiss">✕</button>
    </div>
  );
}
