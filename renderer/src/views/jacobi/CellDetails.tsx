/** Inspector section for a Jacobi grid cell: the guess, whether it is final, and the context it came from. */
import type { TraceIndex } from '../../trace/trace-index';
import { formatProb, tokenLabel, tokenLiteral } from '../../format/format';
import { TokenText } from '../../components/TokenText';
import { traceExtras } from '../trace-extras';
import { dependsOn, jacobiBlocks, jacobiGrid } from './jacobi-model';

export function CellDetails({ trace, blockStart, iteration, position }: { trace: TraceIndex; blockStart: number; iteration: number; position: number }) {
  const block = jacobiBlocks(traceExtras(trace).jacobi).find((b) => b.blockStart === blockStart && b.rows.some((r) => r.iteration === iteration));
  if (!block) return <p className="muted">That cell is not in this trace.</p>;
  const grid = jacobiGrid(block, (i) => trace.output[block.blockStart + i]?.id);
  const t = grid.cells.findIndex((r) => r[0]?.iteration === iteration);
  const c = grid.cells[t]?.[position];
  if (!c || c.tokenId === undefined) return <p className="muted">Empty cell.</p>;
  const finalId = trace.output[block.blockStart + position]?.id;
  const label = (id: number) => tokenLabel(trace.tokenText(id).text, trace.tokenText(id).bytes);
  const context = dependsOn(grid, t, position).map(([r, i]) => grid.cells[r]![i]!);
  const wrong = context.filter((x) => !x.final);
  let sentence: string;
  if (c.state === 'cached') sentence = 'Converged earlier and left the block: its KV cache rows are reused, it is no longer iterated.';
  else if (t === 0 && iteration === 0) sentence = `The initial guess${block.rows[0]?.init ? ` (${block.rows[0].init})` : ''}: no model pass made it.`;
  else if (c.converged) sentence = 'Inside the converged prefix: every cell it was computed from was already final, so this token is proven.';
  else if (c.rightDespiteWrongContext) sentence = `Right despite wrong context: ${wrong.length} of the ${context.length} cells it was computed from were still wrong, yet it already equals the final token.`;
  else if (c.final) sentence = 'Equals the final output, but is not proven yet: its context may still change.';
  else sentence = `A wrong guess: the final token here is ${finalId !== undefined ? label(finalId) : 'not known yet'}.`;
  return (
    <div data-testid="cell-details">
      <div className="insp-token">
        <span className={`chip ${c.converged ? 'src-accepted' : 'src-target'}`} style={{ cursor: 'default' }}>
          <TokenText entry={trace.tokenText(c.tokenId)} />
        </span>
        <span className="muted">iteration {iteration} · position {position}</span>
      </div>
      <p className="acc-sentence">{sentence}</p>
      <dl className="kv">
        <dt>id · text</dt>
        <dd>{c.tokenId} · {tokenLiteral(trace.tokenText(c.tokenId).text)}</dd>
        <dt>output index · step</dt>
        <dd>{block.blockStart + position} · {c.step}</dd>
        <dt>final token</dt>
        <dd>{finalId !== undefined ? `${label(finalId)} ${c.final ? '✓' : '✕'}` : '—'}</dd>
        {c.prob !== undefined ? (
          <>
            <dt>probability</dt>
            <dd>{formatProb(c.prob)}</dd>
          </>
        ) : null}
        <dt>changed this iteration</dt>
        <dd>{c.changed ? 'yes' : 'no'}</dd>
        <dt>converged prefix (row)</dt>
        <dd>{grid.staircase[t]}</dd>
      </dl>
      {context.length ? (
        <>
          <div className="insp-section">Computed from (iteration {grid.cells[t - 1]![0]!.iteration}, positions 0–{position - 1})</div>
          <div className="jac-context">
            {context.map((x) => (
              <span key={x.position} className={`chip ${x.final ? 'src-accepted' : 'src-target'}`} title={x.final ? 'right' : 'wrong'} style={{ cursor: 'default' }}>
                <TokenText entry={trace.tokenText(x.tokenId!)} />
                <span className="badge">{x.final ? '✓' : '✕'}</span>
              </span>
            ))}
          </div>
        </>
      ) : null}
    </div>
  );
}
