import { describe, expect, it } from 'vitest';
import {
  buildTree, chainTree, gatherForAcceptedPath, pathRowsInputs, rootToLeafPaths, rowForAcceptedPath, treeVerifyInputs,
} from '../../engine/speculative/tree';

// root ─┬─ 0 (tok 10) ─┬─ 2 (tok 12) ── 4 (tok 14)
//       │              └─ 3 (tok 13)
//       └─ 1 (tok 11)
const tree = buildTree([
  { parent: -1, token: 10 },
  { parent: -1, token: 11 },
  { parent: 0, token: 12 },
  { parent: 0, token: 13 },
  { parent: 2, token: 14 },
]);
const ROOT = 99;

describe('draft tree structure', () => {
  it('computes depths from the root and root-to-leaf paths', () => {
    expect(tree.nodes.map((n) => n.depth)).toEqual([1, 1, 2, 2, 3]);
    expect(rootToLeafPaths(tree)).toEqual([[1], [0, 3], [0, 2, 4]]);
  });
  it('rejects nodes whose parent is not earlier', () => {
    expect(() => buildTree([{ parent: 0, token: 1 }])).toThrow(/node 0: parent 0/);
    expect(() => buildTree([{ parent: -1, token: -3 }])).toThrow(/token -3/);
  });
});

describe('tree attention mask and positions', () => {
  const past = 2;
  const inputs = treeVerifyInputs(tree, ROOT, past);
  const rows = (): number[][] => {
    const [, , n, width] = inputs.maskDims;
    return Array.from({ length: n }, (_, r) => Array.from(inputs.mask.slice(r * width, (r + 1) * width)));
  };
  it('feeds the root first and positions = cache length + depth', () => {
    expect(inputs.inputIds).toEqual([ROOT, 10, 11, 12, 13, 14]);
    expect(inputs.positionIds).toEqual([2, 3, 3, 4, 4, 5]);
    expect(inputs.maskDims).toEqual([1, 1, 6, 8]);
  });
  it('lets each node see the cache, the root, its ancestors and itself', () => {
    expect(rows()).toEqual([
      // cache | root n0 n1 n2 n3 n4
      [1, 1, 1, 0, 0, 0, 0, 0], // root
      [1, 1, 1, 1, 0, 0, 0, 0], // n0
      [1, 1, 1, 0, 1, 0, 0, 0], // n1
      [1, 1, 1, 1, 0, 1, 0, 0], // n2
      [1, 1, 1, 1, 0, 0, 1, 0], // n3
      [1, 1, 1, 1, 0, 1, 0, 1], // n4
    ]);
    expect(inputs.visible[5]).toEqual([0, 1, 3, 5]);
  });
  it('a chain gives the ordinary causal mask', () => {
    const chain = treeVerifyInputs(chainTree([5, 6, 7]), ROOT, 1);
    const width = chain.maskDims[3];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < width; c++) expect(chain.mask[r * width + c]).toBe(c <= r + 1 ? 1 : 0);
    }
  });
});

describe('KV gather for the accepted path', () => {
  it('keeps the prefix, the root and the accepted nodes in order', () => {
    const g = gatherForAcceptedPath(tree, [0, 2, 4], 3);
    // fed indices: root 0 → pos 3, n0 → 4, n2 → 6, n4 → 8
    expect(g.keep).toEqual([0, 1, 2, 3, 4, 6, 8]);
    expect(g.treeSources).toEqual([3, 4, 6, 8]);
    expect(g).toMatchObject({ lengthBefore: 9, lengthAfter: 7 });
  });
  it('keeps only the root when nothing was accepted', () => {
    expect(gatherForAcceptedPath(tree, [], 2).keep).toEqual([0, 1, 2]);
  });
  it('refuses a path that is not a root path', () => {
    expect(() => gatherForAcceptedPath(tree, [2, 4], 2)).toThrow(/not a root path/);
  });
});

describe('paths as batch rows', () => {
  const rows = pathRowsInputs(tree, ROOT, 2, 0);
  it('builds one right-padded causal row per leaf', () => {
    expect(rows.inputIds).toEqual([
      [ROOT, 11, 0, 0],
      [ROOT, 10, 13, 0],
      [ROOT, 10, 12, 14],
    ]);
    expect(rows.positionIds[0]).toEqual([2, 3, 4, 5]);
    expect(rows.attentionMask).toEqual([
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 0],
      [1, 1, 1, 1, 1, 1],
    ]);
    expect(rows.lengths).toEqual([2, 3, 4]);
  });
  it('locates each node at its first row and picks the row holding an accepted path', () => {
    expect(rows.nodeLocation).toEqual([
      { row: 1, column: 1 },
      { row: 0, column: 1 },
      { row: 2, column: 2 },
      { row: 1, column: 2 },
      { row: 2, column: 3 },
    ]);
    expect(rowForAcceptedPath(rows, [0, 2])).toBe(2);
    expect(rowForAcceptedPath(rows, [0])).toBe(1);
    expect(rowForAcceptedPath(rows, [])).toBe(0);
  });
});
