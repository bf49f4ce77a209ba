/** KV cache operations checked against a fresh prefill of the tokens they claim to hold. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadModel } from '../../engine/model/registry';
import type { DecoderSession } from '../../engine/model/decoder-session';
import { halfArrayToFloat32 } from '../../engine/model/fp16';
import type { KvCache, KvData } from '../../engine/kv/cache';
import { logitsAt } from '../../engine/strategies/blocks';

const fixture = (name: string) => join(__dirname, '../fixtures/models', name);
const toFloat = (d: KvData) => (d instanceof Uint16Array ? halfArrayToFloat32(d) : d);
const A = [101, 102, 103, 33, 103, 41];

async function prefill(s: DecoderSession, ids: number[], positions?: number[]) {
  return s.forward({ inputIds: [ids], ...(positions ? { positionIds: [positions] } : {}), cache: s.emptyCache(), logits: 'all' });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function expectSameCache(a: KvCache, b: KvCache, tol: number) {
  expect(a.shape).toEqual(b.shape);
  expect(a.maxAbsDiff(b, toFloat)).toBeLessThanOrEqual(tol);
}

for (const [name, tol] of [
  ['tiny-llama-gqa', 1e-4],
  ['tiny-llama-fp16', 1e-2],
  ['tiny-llama-merged', 1e-4],
] as const) {
  describe(`KV cache on ${name}`, () => {
    it('append: decoding token by token gives the prefill cache and logits', async () => {
      const s = (await loadModel(fixture(name))).primary;
      let out = await s.forward({ inputIds: [A.slice(0, 2)], cache: s.emptyCache(), logits: 'last' });
      for (const t of A.slice(2)) out = await s.forward({ inputIds: [[t]], cache: out.cache, logits: 'last' });
      const fresh = await prefill(s, A);
      expectSameCache(out.cache, fresh.cache, tol);
      expect(maxDiff(logitsAt(out, 0), logitsAt(fresh, 0))).toBeLessThanOrEqual(tol * 10);
    });

    it('crop: rolling back then continuing equals a prefill of the kept tokens plus the new one', async () => {
      const s = (await loadModel(fixture(name))).primary;
      const full = await prefill(s, [...A, 50, 51, 52]);
      const cropped = full.cache.crop(A.length);
      expectSameCache(cropped, (await prefill(s, A)).cache, tol);
      const next = await s.forward({ inputIds: [[60]], cache: cropped, logits: 'last' });
      const fresh = await prefill(s, [...A, 60]);
      expectSameCache(next.cache, fresh.cache, tol);
      expect(maxDiff(logitsAt(next, 0), logitsAt(fresh, 0))).toBeLessThanOrEqual(tol * 10);
    });

    it('selectRows: expanded and reordered batch rows keep each row its own cache', async () => {
      const s = (await loadModel(fixture(name))).primary;
      const base = await prefill(s, A);
      const two = base.cache.selectRows([0, 0]);
      const step = await s.forward({ inputIds: [[70], [71]], cache: two, logits: 'last' });
      const swapped = step.cache.selectRows([1, 0]);
      const row71 = await prefill(s, [...A, 71]);
      expectSameCache(swapped.selectRows([0]), row71.cache, tol);
      expect(maxDiff(logitsAt(step, 1), logitsAt(row71, 0))).toBeLessThanOrEqual(tol * 10);
    });
  });
}

describe('KV gather after a tree pass (instrumented fixture, 4-D mask)', () => {
  it('committing one tree path by gather equals a prefill of that path', async () => {
    const m = await loadModel(fixture('tiny-llama-instrumented'));
    const s = m.sessionFor({ treeMask: true });
    const base = await prefill(s, A);
    const n = A.length;
    // Tree: x0 = 80 is the root's child; 81 and 82 are both children of x0.
    const tree = await s.forward({
      inputIds: [[80, 81, 82]],
      positionIds: [[n, n + 1, n + 1]],
      visible: [[0], [0, 1], [0, 2]],
      cache: base.cache,
      logits: 'all',
    });
    const kept = tree.cache.gather([...A.keys(), n, n + 2]);
    const fresh = await prefill(s, [...A, 80, 82]);
    expectSameCache(kept, fresh.cache, 1e-4);
    // The tree logits at node 2 equal the sequential logits after prefix + path.
    expect(maxDiff(logitsAt(tree, 0, 2), logitsAt(fresh, 0, n + 1))).toBeLessThanOrEqual(1e-4);
  });

  it('refuses a tree mask on a model with a 2-D attention mask', async () => {
    const s = (await loadModel(fixture('tiny-llama'))).primary;
    const base = await prefill(s, A);
    await expect(s.forward({ inputIds: [[1, 2]], visible: [[0], [1]], cache: base.cache, logits: 'all' })).rejects.toThrow(/4-D attention_mask/);
  });
});
