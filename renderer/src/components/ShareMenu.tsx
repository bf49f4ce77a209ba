/**
 * "Save ▾": the ways a run leaves the app (trace file, picture of the view, offline HTML replay) behind one
 * button, so the toolbar keeps room for the run controls at 1280 px. Items keep their test ids and shortcuts.
 */
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../store/store';
import { exportView, saveTrace } from '../actions';
import { exportHtml } from '../export/html-export';
import { keyboard } from '../keyboard/keyboard-manager';

interface Item {
  id: string;
  label: string;
  keys?: string;
  needsTrace: boolean;
  run(): void;
}

const ITEMS: Item[] = [
  { id: 'save-trace', label: 'Save trace (.jsonl)', keys: 'Ctrl+S', needsTrace: true, run: () => void saveTrace() },
  { id: 'export-png', label: 'View as PNG', keys: 'Ctrl+Shift+E', needsTrace: false, run: () => void exportView('png') },
  { id: 'export-svg', label: 'View as SVG', needsTrace: false, run: () => void exportView('svg') },
  { id: 'export-html', label: 'Run as HTML replay', keys: 'Ctrl+Shift+H', needsTrace: true, run: () => void exportHtml() },
];

export function ShareMenu() {
  const header = useApp((s) => s.trace.header);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', away);
    const pop = keyboard.push({ id: 'share-menu', priority: 60, handlers: { Escape: () => setOpen(false) }, inInputs: ['Escape'] });
    return () => {
      window.removeEventListener('mousedown', away);
      pop();
    };
  }, [open]);

  return (
    <div className="menu-anchor" ref={root}>
      <button className={`btn ${open ? 'on' : ''}`} data-testid="share-menu" aria-haspopup="menu" aria-expanded={open} title="Save the trace, export the view or the whole run" onClick={() => setOpen(!open)}>
        Save ▾
      </button>
      {open ? (
        <div className="menu" role="menu" aria-label="save and export">
          {ITEMS.map((item) => (
            <button
              key={item.id}
              role="menuitem"
              className="menu-item"
              data-testid={item.id}
              disabled={item.needsTrace && !header}
              onClick={() => {
                setOpen(false);
                item.run();
              }}
            >
              <span>{item.label}</span>
              {item.keys ? <kbd>{item.keys}</kbd> : null}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
