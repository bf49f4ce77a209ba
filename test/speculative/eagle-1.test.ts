/**
 * EAGLE-1 (static tree) on the real bundled target and EAGLE head: every step drafts exactly the configured shape
 * (cut only where the length limit leaves less room), sampled siblings are distinct draws without replacement and
 * replay from the trace, and the one-pass tree logits of a real step equal sequential logits on prefix + path.
 * Greedy equality with plain greedy is in greedy-equality.test.ts (methods eagle-1 and eagle-1:rows).
 */
import { describe, expect, it } from 'vitest';
import { TraceRecord } from '../../engine/trace/schema';
import { loadModel } from '../../engine/model/registry';
import { logitsAt } from '../../engine/strategies/blocks';
import { buildTree, pathTo, treeVerifyInputs } from '../../engine/speculative/tree';
import { EAGLE1_DEFAULT_CHOICES, EAGLE1_MC_SIM_7B_63, formatChoices, staticShape, type StaticShape } from '../../engine/speculative/eagle-static-tree';
import { committedIds, haveModels, PROMPTS, runRecords } from './engine-run';

type DraftRec = Extract<TraceRecord, { type: 'draft' }>;
const MAX_NEW = 24;

/** Each draft record with the room the step had (tokens left to draft before the length limit). */
function draftsWithRoom(records: readonly TraceRecord[], maxNew: number): { draft: DraftRec; room: number }[] {
  let committed = 0;
  const out: { draft: DraftRec; room: number }[] = [];
  for (const r of records) {
    if (r.type === 'commit') committed += r.tokens.length;
    if (r.type === 'draft') out.push({ draft: r, room: maxNew - committed - 1 });
  }
  return out;
}

function expectShape(draft: DraftRec, room: number, shape: StaticShape): void {
  const depthLimit = Math.min(shape.maxDepth, room);
  const expected = shape.choices.map((_, i) => i).filter((i) => shape.depths[i]! <= depthLimit);
  expect(draft.nodes.map((n) => n.parent)).toEqual(expected.map((i) => shape.parents[i]));
  expect(draft.nodes.map((n) => n.depth)).toEqual(expected.map((i) => shape.depths[i]));
  // Siblings are distinct tokens, ranked: the rank-r child is the parent's r-th draft.
  const byParent = new Map<number, typeof draft.nodes>();
  for (const n of draft.nodes) byParent.set(n.parent, [...(byParent.get(n.parent) ?? []), n]);
  for (const siblings of byParent.values()) expect(new Set(siblings.map((s) => s.tokenId)).size).toBe(siblings.length);
}

describe.skipIf(!haveModels)('EAGLE-1 static tree on the bundled models', () => {
  it('greedy: every step drafts exactly the default shape, top-k ranked; the header names the variant', async () => {
    const shape = staticShape(EAGLE1_DEFAULT_CHOICES);
    let steps = 0;
    for (const prompt of PROMPTS.slice(0, 4)) {
      const records = await runRecords('eagle-1', prompt, { max_new_tokens: MAX_NEW, do_sample: false });
      const header = records.find((r) => r.type === 'header');
      expect(header?.type === 'header' && header.method.variant).toMatch(/^EAGLE-1 static tree ⟨0;1;0,0;1,0;0,0,0;0,0,0,0;0,0,0,0,0⟩ \(7 nodes, depth 5\); top-k children, greedy walk/);
      for (const { draft, room } of draftsWithRoom(records, MAX_NEW)) {
        expectShape(draft, room, shape);
        // greedy drafts are the head's top-k: the rank-0 child is at least as likely as the rank-1 child
        const rootKids = draft.nodes.filter((n) => n.parent === -1);
        if (rootKids.length === 2) expect(rootKids[0]!.q!).toBeGreaterThanOrEqual(rootKids[1]!.q!);
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(10);
  }, 600_000);

  it('a custom shape (EAGLE\'s mc_sim_7b_63, 25 nodes) is drafted as given, in both verification modes', async () => {
    const shape = staticShape(EAGLE1_MC_SIM_7B_63);
    for (const tree_mode of ['auto', 'rows']) {
      const records = await runRecords('eagle-1', PROMPTS[2]!, { max_new_tokens: 16, do_sample: false, method: { tree_choices: formatChoices(EAGLE1_MC_SIM_7B_63), tree_mode } });
      const drafts = draftsWithRoom(records, 16);
      expect(drafts.length).toBeGreaterThan(1);
      for (const { draft, room } of drafts) expectShape(draft, room, shape);
      expect(drafts[0]!.draft.nodes).toHaveLength(25);
    }
  }, 600_000);

  it('rejects a malformed tree_choices with a message naming the parameter', async () => {
    await expect(runRecords('eagle-1', 'def f():', { max_new_tokens: 4, do_sample: false, method: { tree_choices: '0;1,1' } })).rejects.toThrow(/params\.method\.tree_choices: '0;1,1' is not a tree shape: \[1,1\] has no parent \[1\]/);
  }, 60_000);

  it('sampled: the same shape, distinct siblings drawn without replacement; replays from the recorded draws', async () => {
    const shape = staticShape(EAGLE1_DEFAULT_CHOICES);
    const params = { max_new_tokens: 20, do_sample: true, seed: 4321, temperature: 0.9, top_k: 40 };
    const prompt = PROMPTS[4]!;
    const live = await runRecords('eagle-1', prompt, params);
    for (const r of live) expect(() => TraceRecord.parse(r)).not.toThrow();
    const header = live.find((r) => r.type === 'header');
    expect(header?.type === 'header' && header.method.variant).toMatch(/without replacement.*conditional-q correction/);
    for (const { draft, room } of draftsWithRoom(live, 20)) expectShape(draft, room, shape);
    const draws = live.flatMap((r) => (r.type === 'rng_draw' ? [r.u] : []));
    const replay = await runRecords('eagle-1', prompt, { ...params, seed: 1 }, { replayDraws: draws });
    expect(committedIds(replay)).toEqual(committedIds(live));
    // Every decision follows u ≤ p/q with q the conditional draft probability the trace shows.
    const decided = live.flatMap((r) => (r.type === 'verify' ? r.decisions : [])).filter((d) => d.u !== undefined && d.q !== undefined);
    expect(decided.length).toBeGreaterThan(0);
    for (const d of decided) expect(d.accepted).toBe(d.p > 0 && d.u! <= d.p / d.q!);
  }, 600_000);

  it('tree logits of a real EAGLE-1 step equal sequential logits on prefix + path, and match the run\'s own records', async () => {
    const prompt = PROMPTS[0]!;
    const records = await runRecords('eagle-1', prompt, { max_new_tokens: 8, do_sample: false });
    const first = records.find((r): r is DraftRec => r.type === 'draft')!;
    const model = await loadModel('target');
    const session = model.sessionFor({ treeMask: true });
    const promptIds = model.tokenizer.encode(prompt);
    const root = committedIds(records)[0]!; // step 1's root: the prefill's token
    const tree = buildTree(first.nodes.map((n) => ({ parent: n.parent, token: n.tokenId })));
    const cache = (await session.forward({ inputIds: [promptIds], cache: session.emptyCache(1), logits: 'last' })).cache;
    const inputs = treeVerifyInputs(tree, root, promptIds.length);
    const out = await session.forward({ inputIds: [inputs.inputIds], positionIds: [inputs.positionIds], visible: inputs.visible, cache, logits: 'all' });
    // The run's target distributions of that step, by fed index (raw logits, top-k).
    const stepDists = records.filter((r) => r.type === 'distribution' && r.step === first.step && r.model === 'target');
    let worst = 0;
    let comparedWithRun = 0;
    for (let f = 0; f <= tree.nodes.length; f++) {
      const path = f === 0 ? [] : pathTo(tree, f - 1).map((n) => tree.nodes[n]!.token);
      const sequential = logitsAt(await session.forward({ inputIds: [[...promptIds, root, ...path]], cache: session.emptyCache(1), logits: 'last' }), 0);
      const fromTree = logitsAt(out, 0, f);
      for (let v = 0; v < sequential.length; v++) worst = Math.max(worst, Math.abs(fromTree[v]! - sequential[v]!));
      const recorded = stepDists.find((r) => r.type === 'distribution' && r.index === f);
      if (recorded?.type === 'distribution') {
        for (const e of recorded.raw.topk) expect(Math.abs(e.logit! - sequential[e.id]!)).toBeLessThan(1e-3);
        comparedWithRun++;
      }
    }
    expect(tree.nodes.length).toBe(7);
    expect(worst).toBeLessThan(1e-3);
    expect(comparedWithRun).toBeGreaterThan(1);
  }, 600_000);
});
