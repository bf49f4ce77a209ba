/**
 * The loop both EAGLE variants share (decoding-algorithms §5.3–5.4): prefill with last-layer features, keep the
 * draft head's cache in step with the committed text, let the variant grow a tree from head distributions, verify
 * it in one target pass (tree-step.ts) and keep the features of the accepted path for the next step.
 *
 * The head's cache holds (feature f_t, token x_{t+1}) pairs of the committed text; a draft round feeds frontier
 * nodes under a tree mask (each sees the committed pairs and its own ancestors) and is cropped away next step.
 */
import type { RunContext } from '../strategies/context';
import { DecoderState, prefillFirstToken, type FedOutput } from '../strategies/blocks';
import { EagleHead, type EagleOutput } from './eagle-head';
import type { FrontierNode } from './eagle-tree';
import { commitStepTokens, treeStep, type TreeMode } from './tree-step';
import { methodString } from './policy-params';
import type { DraftTree } from './tree';

function rowOf(out: EagleOutput, i: number): Float32Array {
  return out.hidden.slice(i * out.hiddenSize, (i + 1) * out.hiddenSize);
}

function logitsRow(out: EagleOutput, i: number): Float32Array {
  return out.logits.subarray(i * out.vocab, (i + 1) * out.vocab);
}

function recordHeadCall(ctx: RunContext, out: EagleOutput, inputIds: number[], positions: number[], cacheLenIn: number, cacheLenOut: number, visible?: number[][]): void {
  ctx.emitter.modelCall({
    model: 'eagle',
    purpose: 'draft',
    inputIds: [inputIds],
    positionIds: [positions],
    maskKind: visible ? 'tree' : 'causal',
    ...(visible ? { maskParents: visible } : {}),
    cacheLenIn,
    cacheLenOut,
    outputs: ['logits', 'hidden_out'],
    startedAt: out.startedAt,
    durationMs: out.durationMs,
  });
}

/** Last-layer features of every fed position of a target pass, by (row, column). */
function featureAt(out: FedOutput, name: string, row: number, column: number): Float32Array {
  const t = out.extras.get(name);
  if (!t) throw new Error(`eagle: the target pass returned no ${name}`);
  const [, seq, d] = t.dims as [number, number, number];
  return t.data.slice((row * seq + column) * d, (row * seq + column + 1) * d);
}

/** One step's drafting, as the variant sees it. */
export interface EagleDraftRound {
  /** Raw head logits for the root's children (from the catch-up call). */
  rootLogits: Float32Array;
  /** Cache length of the target = absolute position of the root. */
  rootPosition: number;
  /** Tokens that may still be drafted before the length limit or a forced token. */
  room: number;
  /**
   * One head pass over `frontier` (none may be the root): each node's raw logits for its children. A node's
   * feature input is its parent's predicted feature (the root's for depth 1), as in EAGLE's tree drafting.
   */
  expand(frontier: readonly FrontierNode[]): Promise<Float32Array[]>;
}

export interface EagleGrown {
  tree: DraftTree;
  source: string;
}

export type GrowEagleTree = (round: EagleDraftRound, seq: readonly number[]) => Promise<EagleGrown>;

export async function runEagleLoop(ctx: RunContext, grow: GrowEagleTree): Promise<void> {
  const session = ctx.model.sessionFor({ hiddenStates: true });
  const hiddenName = session.io.hiddenStates[session.io.hiddenStates.length - 1]!;
  const modeParam = methodString(ctx.params, 'tree_mode', 'auto');
  const mode: TreeMode = modeParam === 'rows' || modeParam === 'batch-rows' || !session.treeMask ? 'batch-rows' : 'tree-mask';
  const head = await EagleHead.open(ctx.model);
  const target = new DecoderState(ctx, session, 'target');
  const seq = [...ctx.promptIds];
  /** features[t] = target's last-layer feature at position t, for committed positions. */
  const features: Float32Array[] = [];

  const promptLength = seq.length;
  const { prefill, finished } = await prefillFirstToken(ctx, target, seq, { hiddenStates: 'last' });
  for (let t = 0; t < promptLength; t++) features[t] = featureAt(prefill, hiddenName, 0, t);
  if (finished) return;
  let outputIndex = 1;
  let headPairs = 0; // committed (feature, next token) pairs in the head's cache

  for (;;) {
    // Catch the head up on the committed text: pairs (f_t, x_{t+1}) for every new t.
    const before = head.cache.length;
    if (before > headPairs) {
      head.cache = head.cache.crop(headPairs);
      ctx.emitter.cacheOp('eagle', 'crop', before, headPairs);
    }
    const ts = Array.from({ length: seq.length - 1 - headPairs }, (_, i) => headPairs + i);
    const catchUp = await head.run({ features: ts.map((t) => features[t]!), tokens: ts.map((t) => seq[t + 1]!), positions: ts });
    recordHeadCall(ctx, catchUp, ts.map((t) => seq[t + 1]!), ts, headPairs, head.cache.length);
    headPairs = head.cache.length;
    const last = ts.length - 1;
    const rootHidden = rowOf(catchUp, last);

    const P = seq.length - 1;
    const hiddenOf = new Map<number, Float32Array>();
    const slotOf = new Map<number, number>();
    const room = Math.min(ctx.maxNewTokens - outputIndex - 1, ...[...ctx.forced.keys()].filter((i) => i >= outputIndex).map((i) => i - outputIndex));
    const expand = async (frontier: readonly FrontierNode[]): Promise<Float32Array[]> => {
      const past = head.cache.length;
      const committedSlots = Array.from({ length: headPairs }, (_, i) => i);
      const rows = {
        features: frontier.map((f) => (f.pathCandidates.length > 1 ? hiddenOf.get(f.pathCandidates[f.pathCandidates.length - 2]!)! : rootHidden)),
        tokens: frontier.map((f) => f.token),
        positions: frontier.map((f) => P + f.depth - 1),
        visibleSlots: frontier.map((f) => [...committedSlots, ...f.pathCandidates.slice(0, -1).map((c) => slotOf.get(c)!)]),
        visibleFed: frontier.map((_, i) => [i]),
      };
      const out = await head.run(rows);
      recordHeadCall(ctx, out, rows.tokens, rows.positions, past, head.cache.length, rows.visibleFed);
      return frontier.map((f, i) => {
        hiddenOf.set(f.candidate, rowOf(out, i));
        slotOf.set(f.candidate, past + i);
        return logitsRow(out, i);
      });
    };
    const grown = room > 0 ? await grow({ rootLogits: logitsRow(catchUp, last), rootPosition: P, room, expand }, seq) : { tree: { nodes: [], children: [[]] }, source: 'no room to draft' };
    const step = await treeStep(
      ctx,
      target,
      seq,
      grown.tree,
      { mode, draftModel: 'eagle', draftSource: grown.source, sampledRule: 'recursive-rejection', extras: { hiddenStates: 'last' } },
      outputIndex,
    );
    // Features of the root and the accepted nodes become committed features.
    features[P] = featureAt(step.out, hiddenName, step.locate(0).row, step.locate(0).column);
    step.acceptedPath.forEach((node, j) => {
      const at = step.locate(node + 1);
      features[P + 1 + j] = featureAt(step.out, hiddenName, at.row, at.column);
    });
    const committed = commitStepTokens(ctx, seq, step.tokens, outputIndex);
    outputIndex += committed.count;
    if (committed.finished) return;
  }
}
