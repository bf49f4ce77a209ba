/**
 * The inspector's "Fork here" action for a selected candidate: re-decode the run live with this token forced
 * at the output position its distribution decided. Says plainly when and why a fork is not possible.
 */
import { appStore, useApp } from '../store/store';
import { tokenLabel } from '../format/format';
import type { TraceIndex } from '../trace/trace-index';
import { forkBlocker, outputIndexOfDist, startFork } from './fork-run';

export function ForkAction({ trace, distId, tokenId }: { trace: TraceIndex; distId: string; tokenId: number }) {
  useApp((s) => s.runState);
  useApp((s) => s.engineStatus.state);
  const i = outputIndexOfDist(trace, distId);
  const entry = trace.tokenText(tokenId);
  const label = tokenLabel(entry.text, entry.bytes);
  const blocker = forkBlocker(appStore, trace);
  const speculative = (trace.counts.get('draft') ?? 0) > 0;
  let why: string | null = blocker;
  if (!why && i === null) why = 'Forks start from a distribution that decided an output token; this one did not (a draft or a rejected branch).';
  if (!why && i !== null && trace.output[i]?.id === tokenId) why = `«${label}» is what the run took at output #${i}; select another candidate to fork.`;
  return (
    <div className="fork-action" data-testid="fork-action">
      <div className="insp-section">What if?</div>
      <button className="btn" disabled={why !== null} onClick={() => i !== null && void startFork(appStore, i, tokenId)} data-testid="fork-button" title="Re-decode the run live from here with this token forced; the fork is kept next to the original (Compare tab)">
        Fork: force «{label}» at output #{i ?? '?'}
      </button>
      {why ? <p className="muted">{why}</p> : <p className="muted">Keeps outputs before #{i} as they were, forces this token there and decodes on; the Compare tab shows both runs.</p>}
      {speculative ? <p className="muted">In speculative runs a fork forces the committed token at that position; forcing a different draft token is not supported.</p> : null}
    </div>
  );
}
