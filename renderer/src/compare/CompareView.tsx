/**
 * The compare view: run A against run B (defaults: the original and the newest fork), aligned by output
 * position, the first divergence boxed, and both distributions at that point (or at a clicked position).
 * Any trace file can be opened as B. Controls are HTML; the picture is one SVG, so export captures it.
 */
import { useEffect, useRef, useState } from 'react';
import { appStore, useApp } from '../store/store';
import { useSize } from '../components/use-size';
import { parseTraceText, TraceParseError } from '../trace/parse-trace';
import { indexRecords } from '../trace/trace-index';
import { alignRuns, columnWindow, divergenceDetail } from './align';
import { TokenRows, ROWS_HEIGHT, columnWidths, rowsInnerWidth, chipText } from './TokenRows';
import { DistributionPanel, panelHeight } from './DivergencePanels';
import { runById, runSet, showRun, useRunSet, type RunEntry } from './run-set';
import { saveRunSet } from './save-run-set';

const PAD = 14;

function RunPicker({ label, value, runs, onChange, testId }: { label: string; value: string | null; runs: RunEntry[]; onChange(id: string): void; testId: string }) {
  return (
    <label className="compare-pick">
      <span className="compare-letter">{label}</span>
      <select className="input" value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {value === null ? <option value="">choose a run…</option> : null}
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {r.kind === 'original' ? 'original · ' : r.kind === 'opened' ? 'file · ' : ''}
            {r.name}
            {r.status === 'running' ? ' (decoding…)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

async function openForCompare(file: File): Promise<void> {
  const s = appStore.getState();
  try {
    const text = file.name.endsWith('.gz') ? await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text() : await file.text();
    const parsed = parseTraceText(text, file.name);
    const index = indexRecords(parsed.records);
    runSet.getState().add({ name: file.name, index, kind: 'opened', parentId: null, status: 'ended', runId: null, sourceKind: 'trace' });
    if (parsed.warnings.length) s.showToast('info', `${file.name}: ${parsed.warnings.join('; ')}`);
  } catch (e) {
    const msg = e instanceof TraceParseError ? e.message : `${file.name}: ${(e as Error).message}`;
    s.showToast('error', `Could not open the trace to compare. ${msg}`);
  }
}

export function CompareView() {
  useApp((s) => s.traceVersion);
  const runs = useRunSet((s) => s.runs);
  const aId = useRunSet((s) => s.compareA);
  const bId = useRunSet((s) => s.compareB);
  const setCompare = useRunSet((s) => s.setCompare);
  const [ref, size] = useSize<HTMLDivElement>();
  const fileInput = useRef<HTMLInputElement>(null);
  const [focus, setFocus] = useState<number | null>(null);
  const [shift, setShift] = useState(0);
  useEffect(() => {
    setFocus(null);
    setShift(0);
  }, [aId, bId]);
  const a = runById(aId);
  const b = runById(bId);

  const controls = (
    <div className="compare-controls">
      <RunPicker label="A" value={aId} runs={runs} onChange={(id) => setCompare(id, bId)} testId="compare-a" />
      <button className="btn small" title="Swap A and B" onClick={() => setCompare(bId, aId)} disabled={!aId || !bId}>⇄</button>
      <RunPicker label="B" value={bId} runs={runs} onChange={(id) => setCompare(aId, id)} testId="compare-b" />
      <button className="btn small" onClick={() => fileInput.current?.click()} title="Open a trace file to compare against (it becomes B)" data-testid="compare-open">Open trace…</button>
      <input
        ref={fileInput}
        type="file"
        accept=".jsonl,.gz,application/x-ndjson"
        data-testid="compare-open-input"
        style={{ display: 'none' }}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void openForCompare(f);
          e.target.value = '';
        }}
      />
      <span className="spacer" />
      {b ? <button className="btn small" onClick={() => showRun(appStore, b.id)} title="Show run B in every view" data-testid="compare-show-b">Show B</button> : null}
      <button className="btn small" onClick={() => void saveRunSet(appStore)} disabled={!runs.some((r) => r.kind === 'fork')} title="Save the original and each fork as its own .trace.jsonl" data-testid="save-run-set">
        Save run + forks
      </button>
    </div>
  );

  let body: React.ReactNode = null;
  let pan: React.ReactNode = null;
  if (!a || !b) {
    body = (
      <div className="empty compare-empty">
        <p>Nothing to compare yet.</p>
        <p className="muted">
          Fork the run: select a candidate in the distribution view and choose <b>Fork</b> in the inspector. Or open a trace file to compare against.
        </p>
      </div>
    );
  } else if (size.width > 0) {
    const al = alignRuns(a.index, b.index);
    const widths = columnWidths(al, a.index, b.index);
    const at = focus ?? al.divergence;
    const room = rowsInnerWidth(size.width - PAD * 2);
    const start = Math.max(0, Math.min(columnWindow(widths, at ?? 0, room).start + shift, widths.length - 1));
    let end = start;
    for (let used = 0; end < widths.length && used + widths[end]! <= room; end++) used += widths[end]!;
    end = Math.max(end, Math.min(start + 1, widths.length));
    const detail = at !== null ? divergenceDetail(a.index, b.index, at) : null;
    const panelW = (size.width - PAD * 2 - 40) / 2;
    const rowsY = 58;
    const panelsY = rowsY + ROWS_HEIGHT + 26;
    const height = detail ? panelsY + Math.max(panelHeight(detail.a.bars.length), panelHeight(detail.b.bars.length)) + 16 : panelsY;
    const d = al.divergence;
    const rowD = d !== null ? al.rows[d]! : null;
    const title =
      d === null || !rowD
        ? `The runs agree on all ${al.aLength} tokens`
        : rowD.a && rowD.b
          ? `First divergence at output #${d}: ${chipText(a.index, rowD.a.id)} vs ${chipText(b.index, rowD.b.id)}`
          : `First divergence at output #${d}: run ${rowD.a ? 'B' : 'A'} has no token there`;
    const sub = [
      `A ${al.aLength} tokens · B ${al.bLength} tokens`,
      d !== null ? `${al.agreeAfter} later positions agree again` : '',
      al.samePrompt ? '' : 'the prompts differ (aligned by output position anyway)',
      b.fork && b.parentId === a.id ? `B forks A at #${b.fork.outputIndex}` : a.fork && a.parentId === b.id ? `A forks B at #${a.fork.outputIndex}` : '',
    ].filter(Boolean);
    pan = (
      <>
        <button className="btn small" onClick={() => setShift(shift - 10)} disabled={start === 0} title="Earlier positions">◀</button>
        <button className="btn small" onClick={() => setShift(shift + 10)} disabled={end >= widths.length} title="Later positions">▶</button>
        {focus !== null ? <button className="btn small" onClick={() => setFocus(null)} title="Back to the first divergence">back to the divergence</button> : null}
        <span className="muted">positions {start}–{end - 1} of {widths.length} · click a position to compare the distributions there</span>
      </>
    );
    body = (
      <svg width={size.width} height={height} viewBox={`0 0 ${size.width} ${height}`} xmlns="http://www.w3.org/2000/svg" data-testid="compare-svg" role="img" aria-label="two runs compared by output position">
        <rect width={size.width} height={height} style={{ fill: 'var(--panel)' }} />
        <g transform={`translate(${PAD}, 22)`}>
          <text style={{ fontSize: 13.5, fontWeight: 600, fill: 'var(--ink)' }} data-testid="compare-title" data-divergence={d ?? ''}>
            {title}
          </text>
          <text y={18} style={{ fontSize: 11.5, fill: 'var(--ink-3)' }}>
            {sub.join(' · ')}
          </text>
        </g>
        <g transform={`translate(${PAD}, ${rowsY})`}>
          <TokenRows al={al} a={a.index} b={b.index} widths={widths} start={start} end={end} focus={focus} onFocus={setFocus} />
        </g>
        {detail && at !== null ? (
          <g>
            <text x={PAD} y={panelsY - 10} style={{ fontSize: 10.5, letterSpacing: '0.05em', fill: 'var(--ink-3)' }}>
              {`DISTRIBUTIONS AT OUTPUT #${at}${at === d ? ' · THE FIRST DIVERGENCE' : ''} · PROCESSED P, TOP CANDIDATES`}
            </text>
            <DistributionPanel trace={a.index} side={detail.a} letter="A" other="B" name={a.name} outputIndex={at} x={PAD + 8} y={panelsY + 6} width={panelW - 8} />
            <DistributionPanel trace={b.index} side={detail.b} letter="B" other="A" name={b.name} outputIndex={at} x={PAD + panelW + 40} y={panelsY + 6} width={panelW - 8} />
          </g>
        ) : null}
      </svg>
    );
  }
  return (
    <div className="compare-view" data-view="compare">
      {controls}
      <div className="compare-pan">{pan}</div>
      <div ref={ref} className="compare-canvas">
        {body}
      </div>
    </div>
  );
}
