/**
 * The strong mask/position test of decoding-algorithms §1.3 for lookahead on the bundled target: the logits of every
 * fed token in the single 4-D-mask pass (instrumented export) and in the separate causal batch passes (standard
 * export) equal the logits of a plain sequential run on the cache plus that token's visible context.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../engine/model/registry';
import type { LoadedModel } from '../../engine/model/loader';
import { logitsAt } from '../../engine/strategies/blocks';
import { separatePassLayout, singlePassLayout } from '../../engine/jacobi/lookahead-layout';
import type { LookaheadWindow } from '../../engine/jacobi/lookahead';

let model: LoadedModel;
beforeAll(async () => {
  model = await loadModel('target');
});

function maxDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('lookahead masks and positions on the bundled target', () => {
  const prompt = 'def parse(self, text):\n    return';
  // W = 3, N = 4: level 0 has 2 tokens, levels 1 and 2 have 3; two candidate 3-grams.
  const window: LookaheadWindow = {
    levels: [
      [300, 301],
      [400, 401, 402],
      [500, 501, 502],
    ],
  };
  const candidates = [
    [600, 601, 602],
    [700, 701, 702],
  ];

  async function sequential(cachedIds: number[], context: number[]): Promise<Float32Array> {
    const out = await model.primary.forward({ inputIds: [[...cachedIds, ...context]], cache: model.primary.emptyCache(), logits: 'last' });
    return logitsAt(out, 0).slice();
  }

  it('single pass (4-D mask) equals sequential runs of each visible context', async () => {
    if (!model.manifest.treeMask) return; // the bundled target ships an instrumented export; a custom model may not
    const ids = model.tokenizer.encode(prompt);
    const cached = ids.slice(0, -1);
    const last = ids[ids.length - 1]!;
    const session = model.sessionFor({ treeMask: true });
    const pre = await session.forward({ inputIds: [cached], cache: session.emptyCache(), logits: 'last' });
    const layout = singlePassLayout(last, cached.length, window, candidates);
    const out = await session.forward({ inputIds: [layout.inputIds], positionIds: [layout.positionIds], visible: layout.visible, cache: pre.cache, logits: 'all' });
    for (let k = 0; k < layout.inputIds.length; k++) {
      const expected = await sequential(cached, layout.visible[k]!.map((j) => layout.inputIds[j]!));
      expect(maxDiff(logitsAt(out, 0, k), expected), `fed index ${k} (${JSON.stringify(layout.roles[k])})`).toBeLessThan(2e-3);
    }
  });

  it('separate passes (causal batch rows) equal sequential runs', async () => {
    const ids = model.tokenizer.encode(prompt);
    const cached = ids.slice(0, -1);
    const last = ids[ids.length - 1]!;
    const session = model.primary;
    const pre = await session.forward({ inputIds: [cached], cache: session.emptyCache(), logits: 'last' });
    const layout = separatePassLayout(last, cached.length, window, candidates);
    const rows = layout.windowRows;
    const out = await session.forward({ inputIds: rows.map((r) => r.inputIds), positionIds: rows.map((r) => r.positionIds), cache: pre.cache.selectRows(rows.map(() => 0)), logits: 'all' });
    for (const [r, i] of layout.topOutputs) {
      const expected = await sequential(cached, rows[r]!.inputIds.slice(0, i + 1));
      expect(maxDiff(logitsAt(out, r, i), expected)).toBeLessThan(2e-3);
    }
    const withLast = await session.forward({ inputIds: [[last]], cache: pre.cache, logits: 'last' });
    const g = layout.guessRows;
    const vout = await session.forward({ inputIds: g.map((r) => r.inputIds), positionIds: g.map((r) => r.positionIds), cache: withLast.cache.selectRows(g.map(() => 0)), logits: 'all' });
    for (const [c, row] of g.entries()) {
      for (let j = 0; j < row.inputIds.length; j++) {
        const expected = await sequential(cached, [last, ...row.inputIds.slice(0, j + 1)]);
        expect(maxDiff(logitsAt(vout, c, j), expected)).toBeLessThan(2e-3);
      }
    }
  });
});
