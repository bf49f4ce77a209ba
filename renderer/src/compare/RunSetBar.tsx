/** Toolbar control: which run of the set (original, forks, opened traces) the views show. Hidden with one run. */
import { appStore } from '../store/store';
import { showRun, useRunSet } from './run-set';

export function RunSetBar() {
  const runs = useRunSet((s) => s.runs);
  const activeId = useRunSet((s) => s.activeId);
  const shown = runs.filter((r) => r.kind !== 'opened' || r.id === activeId);
  if (runs.length < 2) return null;
  return (
    <select className="input run-set-select" aria-label="shown run" title="Which run the views show (the original or one of its forks)" data-testid="run-set-select" value={activeId ?? ''} onChange={(e) => showRun(appStore, e.target.value)}>
      {shown.map((r) => (
        <option key={r.id} value={r.id}>
          {r.kind === 'original' ? 'original' : r.kind === 'fork' ? '↳ ' : ''}
          {r.kind === 'original' ? '' : r.name}
          {r.status === 'running' ? ' (decoding…)' : ''}
        </option>
      ))}
    </select>
  );
}
