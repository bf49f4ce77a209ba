/** The method-specific main view with its tabs; the export buttons capture the SVG under data-export-root. */
import { useApp } from '../store/store';
import { MAIN_VIEWS } from './main-views';

export function MainView() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const mainTab = useApp((s) => s.mainTab);
  const setMainTab = useApp((s) => s.setMainTab);
  const available = MAIN_VIEWS.filter((v) => v.available(trace));
  const fallback = [...available].sort((a, b) => b.priority - a.priority)[0];
  const active = available.find((v) => v.id === mainTab) ?? fallback;
  const View = active?.component;
  return (
    <section className="panel main" aria-label="main view">
      <div className="panel-head">
        <div className="tabs" role="tablist">
          {available.map((v) => (
            <button key={v.id} role="tab" aria-selected={v === active} className={`tab ${v === active ? 'on' : ''}`} onClick={() => setMainTab(v.id)}>
              {v.label}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <span className="head-note">{trace.header ? `${trace.header.method.name} · ${trace.header.method.family}${trace.header.method.lossless ? ' · lossless' : ''}` : ''}</span>
      </div>
      <div className="main-body" data-export-root>
        {View ? <View /> : <div className="empty">No view for this trace.</div>}
      </div>
    </section>
  );
}
