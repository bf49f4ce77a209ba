/**
 * The self-speculative drafter's layer strip: one row per target layer, attention and MLP cells drawn
 * filled (the drafter runs it) or dashed and crossed (skipped), and a KV mark on the layers whose
 * verified cache the drafter reads.
 */
import type { DrafterStrip, SubLayerUse } from './selfspec-model';

const ROW_H = 24;
const CELL_W = 78;
const LABEL_W = 34;
const GAP = 6;
const KV_W = 52;
export const STRIP_WIDTH = LABEL_W + 2 * CELL_W + 3 * GAP + KV_W;

function Cell({ x, y, use, label, layer }: { x: number; y: number; use: SubLayerUse; label: string; layer: number }) {
  const used = use === 'used';
  return (
    <g data-cell={label} data-layer={layer} data-use={use}>
      <title>{`layer ${layer} ${label}: ${use === 'used' ? 'run by the drafter' : use === 'skipped' ? 'skipped by the drafter' : 'not recorded'}`}</title>
      <rect
        x={x}
        y={y}
        width={CELL_W}
        height={ROW_H - 4}
        rx={3}
        style={used ? { fill: 'var(--bar)' } : { fill: 'none', stroke: 'var(--ink-3)', strokeDasharray: use === 'skipped' ? '4 3' : undefined }}
      />
      <text x={x + CELL_W / 2} y={y + (ROW_H - 4) / 2 + 4} textAnchor="middle" style={{ fontSize: 11, fill: used ? '#fff' : 'var(--ink-3)' }}>
        {use === 'unknown' ? `${label} ?` : use === 'skipped' ? `${label} ✕` : label}
      </text>
    </g>
  );
}

export function LayerStrip({ strip }: { strip: DrafterStrip }) {
  const h = 22 + strip.rows.length * ROW_H;
  const attnX = LABEL_W + GAP;
  const mlpX = attnX + CELL_W + GAP;
  const kvX = mlpX + CELL_W + GAP;
  return (
    <svg width={STRIP_WIDTH} height={h} viewBox={`0 0 ${STRIP_WIDTH} ${h}`} xmlns="http://www.w3.org/2000/svg" data-testid="layer-strip" data-method={strip.method}>
      <g style={{ fontSize: 10, fill: 'var(--ink-3)' }}>
        <text x={attnX + CELL_W / 2} y={12} textAnchor="middle">attention</text>
        <text x={mlpX + CELL_W / 2} y={12} textAnchor="middle">MLP</text>
        <text x={kvX + KV_W / 2} y={12} textAnchor="middle">draft KV</text>
      </g>
      {strip.rows.map((r, i) => {
        const y = 20 + i * ROW_H;
        return (
          <g key={r.layer} data-row={r.layer}>
            <text x={LABEL_W - 4} y={y + (ROW_H - 4) / 2 + 4} textAnchor="end" className="mono" style={{ fontSize: 11, fill: 'var(--ink-2)' }}>
              L{r.layer}
            </text>
            <Cell x={attnX} y={y} use={r.attention} label="attn" layer={r.layer} />
            <Cell x={mlpX} y={y} use={r.mlp} label="MLP" layer={r.layer} />
            {r.kv ? (
              <g data-kv={r.layer}>
                <title>{`the drafter's layer-${r.layer} KV is the target's verified cache`}</title>
                <rect x={kvX + KV_W / 2 - 14} y={y + 2} width={28} height={ROW_H - 8} rx={8} style={{ fill: 'var(--accent-soft)', stroke: 'var(--accent)' }} />
                <text x={kvX + KV_W / 2} y={y + (ROW_H - 4) / 2 + 3.5} textAnchor="middle" style={{ fontSize: 9.5, fill: 'var(--accent)', fontWeight: 600 }}>KV</text>
              </g>
            ) : (
              <text x={kvX + KV_W / 2} y={y + (ROW_H - 4) / 2 + 4} textAnchor="middle" style={{ fontSize: 10, fill: 'var(--ink-3)' }}>–</text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
