/**
 * Growing a draft tree with the bundled draft model (SpecInfer's expansion-based trees, OPT-Tree). The draft's
 * cache keeps the committed text minus its last token; each expansion round feeds the root and every tree node
 * so far in one pass with a tree mask (the draft's instrumented graph), reads the frontier's distributions, and
 * crops the cache back. Re-feeding the small tree each round is simpler than hiding sibling branches inside the
 * cache, and exact.
 */
import type { RunContext } from '../strategies/context';
import { DecoderState, logitsAt } from '../strategies/blocks';
import type { DecoderSession } from '../model/decoder-session';
import { processLogits } from '../logits/pipeline';
import { probabilities } from './engine-bridge';

export interface GrowNode {
  parent: number;
  token: number;
}

export class DraftTreeGrower {
  private readonly state: DecoderState;
  private fed: number[] = [];
  calls = 0;

  constructor(private readonly ctx: RunContext, session: DecoderSession) {
    if (!session.treeMask) throw new Error(`draft tree drafting needs a draft graph with a 4-D attention mask (${session.file} has none)`);
    this.state = new DecoderState(ctx, session, 'draft');
  }

  /** Bring the draft cache to seq minus its last token (the root). */
  async sync(seq: readonly number[]): Promise<void> {
    let keep = 0;
    while (keep < this.fed.length && keep < seq.length - 1 && this.fed[keep] === seq[keep]) keep++;
    if (keep < this.state.cache.length) {
      this.state.crop(keep);
      this.fed = this.fed.slice(0, keep);
    }
    if (this.fed.length < seq.length - 1) {
      const toFeed = seq.slice(this.fed.length, seq.length - 1);
      await this.state.forward({ inputIds: [toFeed], purpose: 'draft', logits: 'last' });
      this.calls++;
      this.fed.push(...toFeed);
    }
  }

  /**
   * Processed draft distributions at the root (index -1) and at the requested nodes, feeding root + `nodes`
   * (topologically ordered, parent = -1 for the root's children) in one tree-masked pass.
   */
  async distributions(seq: readonly number[], nodes: readonly GrowNode[], want: readonly number[]): Promise<Map<number, Float32Array>> {
    const ctx = this.ctx;
    const base = this.state.cache.length;
    const root = seq[seq.length - 1]!;
    const depth: number[] = [];
    const visible: number[][] = [[0]];
    nodes.forEach((n, i) => {
      depth.push(n.parent === -1 ? 1 : depth[n.parent]! + 1);
      visible.push([...visible[n.parent + 1]!, i + 1]);
    });
    const out = await this.state.forward({
      inputIds: [[root, ...nodes.map((n) => n.token)]],
      positionIds: [[base, ...depth.map((d) => base + d)]],
      visible,
      purpose: 'draft',
      logits: 'all',
      maskKind: 'tree',
    });
    this.calls++;
    this.state.crop(base);
    const result = new Map<number, Float32Array>();
    for (const w of want) {
      const path: number[] = [];
      for (let c = w; c !== -1; c = nodes[c]!.parent) path.unshift(nodes[c]!.token);
      const p = processLogits(logitsAt(out, 0, w + 1), [...seq, ...path], ctx.processors);
      result.set(w, probabilities(p));
    }
    return result;
  }
}
