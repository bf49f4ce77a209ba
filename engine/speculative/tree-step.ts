/**
 * One tree verification step on the target (decoding-algorithms §1.3): feed the root and every draft node in ONE
 * pass — with a 4-D tree mask when the session has one ('tree-mask'), else one causal batch row per root-to-leaf
 * path ('batch-rows', same result, more compute) — verify, commit the accepted path, and compact the KV cache
 * (gather the path's rows, or keep the chosen batch row). The cache then holds the committed sequence minus its
 * last token, the next root. Target distributions are computed (and recorded) only for the nodes the walk visits.
 */
import type { RunContext } from '../strategies/context';
import { choose, commit, distribution, finishOf, logitsAt, type DecoderState, type Distribution, type FedOutput } from '../strategies/blocks';
import { describePick } from '../logits/sampler';
import type { ModelRole, TokenSource } from '../trace/schema';
import { emitDraft, emitDrawnChoice, emitVerify, probabilities, runUniform } from './engine-bridge';
import { gatherForAcceptedPath, pathRowsInputs, pathTo, rowForAcceptedPath, treeVerifyInputs, type DraftTree } from './tree';
import { greedyTreeVerify, recursiveRejectionVerify, sampleThenMatchTreeVerify, type TreeVerification } from './tree-verify';
import { typicalAcceptance, type TypicalAcceptance } from './medusa-tree';

export type TreeMode = 'tree-mask' | 'batch-rows';
export type SampledTreeRule = 'recursive-rejection' | 'sample-then-match' | 'typical';

export interface TreeStepOptions {
  mode: TreeMode;
  draftModel: ModelRole;
  draftSource: string;
  /** How sampled runs verify: recursive rejection (exact), sample-then-match (exact), Medusa typical (lossy). */
  sampledRule: SampledTreeRule;
  typical?: { epsilon: number; delta: number };
  extras?: { medusa?: boolean; hiddenStates?: boolean | 'last' };
}

export interface TreeStepResult {
  tokens: { id: number; source: TokenSource; distId: string }[];
  acceptedPath: number[];
  /** The forward output and where the last accepted node (or the root) sits in it, for heads that read it. */
  out: FedOutput;
  lastLocation: { row: number; column: number };
  /** Fed index → location in the output. */
  locate: (fedIndex: number) => { row: number; column: number };
  drafted: number;
}

export async function treeStep(ctx: RunContext, target: DecoderState, seq: readonly number[], tree: DraftTree, o: TreeStepOptions, outputIndex: number): Promise<TreeStepResult> {
  const P = target.cache.length;
  if (P !== seq.length - 1) throw new Error(`tree step: target cache holds ${P} positions, expected ${seq.length - 1}`);
  const root = seq[seq.length - 1]!;
  emitDraft(
    ctx,
    o.draftModel,
    'tree',
    `${o.draftSource}; verified as ${o.mode}`,
    tree.nodes.map((n) => ({ node: n.id, parent: n.parent, tokenId: n.token, depth: n.depth, ...(n.q !== undefined ? { q: n.q } : {}), ...(n.score !== undefined ? { score: n.score } : {}) })),
  );

  let out: FedOutput;
  let locate: (fedIndex: number) => { row: number; column: number };
  let rowsInfo: ReturnType<typeof pathRowsInputs> | null = null;
  if (o.mode === 'tree-mask') {
    const inputs = treeVerifyInputs(tree, root, P);
    out = await target.forward({ inputIds: [inputs.inputIds], positionIds: [inputs.positionIds], visible: inputs.visible, purpose: 'verify', logits: 'all', maskKind: 'tree', ...(o.extras ? { extras: o.extras } : {}) });
    locate = (f) => ({ row: 0, column: f });
  } else {
    const rows = pathRowsInputs(tree, root, P, 0);
    rowsInfo = rows;
    if (rows.inputIds.length > 1) target.selectRows(rows.inputIds.map(() => 0), 'expand');
    out = await target.forward({ inputIds: rows.inputIds, purpose: 'verify', logits: 'all', maskKind: 'padding', ...(o.extras ? { extras: o.extras } : {}) });
    locate = (f) => (f === 0 ? { row: 0, column: 0 } : rows.nodeLocation[f - 1]!);
  }

  const dists = new Map<number, Distribution>();
  const probs = new Map<number, Float32Array>();
  const distAt = (f: number): Distribution => {
    let d = dists.get(f);
    if (!d) {
      const { row, column } = locate(f);
      const path = f === 0 ? [] : pathTo(tree, f - 1).map((n) => tree.nodes[n]!.token);
      d = distribution(ctx, logitsAt(out, row, column), [...seq, ...path], { callId: out.callId, model: 'target', row, fedIndex: column, position: P + 1 + path.length });
      dists.set(f, d);
    }
    return d;
  };
  const targetAt = (f: number): Float32Array => {
    let p = probs.get(f);
    if (!p) probs.set(f, (p = probabilities(distAt(f))));
    return p;
  };

  let verification: TreeVerification | null = null;
  let typical: TypicalAcceptance | null = null;
  const uniform = runUniform(ctx);
  if (!ctx.processors.doSample) verification = greedyTreeVerify(tree, targetAt);
  else if (o.sampledRule === 'typical') typical = typicalAcceptance(tree, targetAt, o.typical?.epsilon, o.typical?.delta);
  else if (o.sampledRule === 'sample-then-match') verification = sampleThenMatchTreeVerify(tree, targetAt, uniform);
  else verification = recursiveRejectionVerify(tree, targetAt, uniform);

  const acceptedPath = verification ? verification.acceptedPath : typical!.acceptedPath;
  const modeLabel = o.mode === 'tree-mask' ? 'one pass, 4-D tree mask' : `${rowsInfo!.inputIds.length} batch rows`;
  if (verification) {
    emitVerify(
      ctx,
      `${verification.rule} (${modeLabel})`,
      verification.decisions.map((d) => ({
        node: d.node,
        tokenId: d.token,
        p: d.p,
        ...(d.q !== undefined ? { q: d.q } : {}),
        ...(d.ratio !== undefined ? { ratio: d.ratio } : {}),
        ...(d.u !== undefined ? { u: d.u } : {}),
        accepted: d.accepted,
        reason: d.reason,
        targetDistId: distAt(d.targetFedIndex).distId,
      })),
      acceptedPath.length,
      verification.final.residual?.dist,
    );
  } else {
    emitVerify(
      ctx,
      `medusa typical acceptance, LOSSY (ε=${typical!.epsilon}, δ=${typical!.delta}; ${modeLabel})`,
      typical!.decisions.map((d) => ({
        node: d.node,
        tokenId: d.token,
        p: d.p,
        accepted: d.accepted,
        reason: `${d.accepted ? 'accepted' : 'rejected'}: p ${d.p.toPrecision(3)} ${d.accepted ? '>' : '<='} min(ε, δ·exp(−H)) = ${d.threshold.toPrecision(3)} (H ${d.entropy.toFixed(3)})${typical!.acceptedPath.includes(d.node) ? '' : d.accepted ? ', not on the chosen row' : ''}`,
        targetDistId: distAt(tree.nodes[d.node]!.parent + 1).distId,
      })),
      acceptedPath.length,
    );
  }

  // The final token (bonus or correction) and its choice record; a forced token wins.
  const lastFed = acceptedPath.length ? acceptedPath[acceptedPath.length - 1]! + 1 : 0;
  const finalDist = distAt(lastFed);
  const finalIndex = outputIndex + acceptedPath.length;
  let finalToken: number;
  let finalSource: TokenSource;
  if (ctx.forced.has(finalIndex)) {
    finalToken = choose(ctx, finalDist, finalIndex).tokenId;
    finalSource = 'forced';
  } else if (verification) {
    finalToken = verification.final.token;
    finalSource = verification.final.source;
    if (verification.final.draw) emitDrawnChoice(ctx, distAt(verification.final.fedIndex).distId, verification.final.draw, verification.final.rule === 'residual' ? 'residual' : 'sample');
    else ctx.emitter.choice(finalDist.distId, describePick(finalDist.scores, finalDist.logsumexp, finalToken), 'argmax');
  } else {
    finalToken = typical!.nextRoot;
    finalSource = 'bonus';
    ctx.emitter.choice(finalDist.distId, describePick(finalDist.scores, finalDist.logsumexp, finalToken), 'argmax');
  }

  const tokens: TreeStepResult['tokens'] = acceptedPath.map((n) => ({ id: tree.nodes[n]!.token, source: 'accepted' as const, distId: distAt(tree.nodes[n]!.parent + 1).distId }));
  tokens.push({ id: finalToken, source: finalSource, distId: finalDist.distId });

  // KV: keep the root and the accepted path (the final token is the next root, not cached).
  if (o.mode === 'tree-mask') {
    target.gather(gatherForAcceptedPath(tree, acceptedPath, P).keep);
  } else {
    const row = rowForAcceptedPath(rowsInfo!, acceptedPath);
    if (target.cache.batch > 1) target.selectRows([row], 'reorder');
    target.crop(P + 1 + acceptedPath.length);
  }
  return { tokens, acceptedPath, out, lastLocation: locate(lastFed), locate, drafted: tree.nodes.length };
}

/**
 * Commits a tree step's tokens, stopping at the first one that finishes the run (EOS or the length limit),
 * and appends them to `seq`. Returns how many were committed and whether the run finished.
 */
export function commitStepTokens(
  ctx: RunContext,
  seq: number[],
  stepTokens: readonly { id: number; source: TokenSource; distId: string }[],
  outputIndex: number,
): { count: number; finished: boolean } {
  const tokens: { id: number; source: TokenSource; distId: string }[] = [];
  let finish: ReturnType<typeof finishOf> = undefined;
  for (const t of stepTokens) {
    tokens.push(t);
    finish = finishOf(ctx, t.id, outputIndex + tokens.length - 1);
    if (finish) break;
  }
  seq.push(...tokens.map((t) => t.id));
  commit(ctx, outputIndex, tokens, 1, finish);
  return { count: tokens.length, finished: Boolean(finish) };
}
