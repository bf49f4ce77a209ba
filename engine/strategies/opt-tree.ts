/**
 * OPT-Tree (Wang et al., TACL 2025) with the bundled draft: grow layers of the n best nodes by path probability
 * and stop when the expected accepted length E grows by ≤ δ; the tree is the n best nodes. Greedy walk, or
 * OPT-Tree's sample-then-match when sampling (exact).
 */
import type { Strategy } from './strategy';
import { optTree, type FrontierNode, type ProposedChild } from '../speculative/eagle-tree';
import { topEntries } from '../speculative/dist';
import type { GrowNode } from '../speculative/draft-tree-proposer';
import { methodNumber } from '../speculative/policy-params';
import { runDraftTreeLoop } from './specinfer';

export const optTreeDecoding: Strategy = {
  aliases: ['opt_tree', 'opttree'],
  description: {
    name: 'opt-tree',
    family: 'tree-speculative',
    lossless: true,
    needs: ['draft'],
    description: 'OPT-Tree: an adaptive draft tree that maximises the expected accepted length under a node budget, grown with the bundled draft and verified in one target pass.',
    params: [
      { name: 'tree_nodes', default: 12, min: 1, max: 64, step: 1, help: 'n: node budget (also the layer width)' },
      { name: 'threshold', default: 0.3, min: 0, max: 5, step: 0.05, help: 'δ: keep drafting while E grows by more than this' },
      { name: 'max_depth', default: 6, min: 1, max: 12, step: 1, help: 'most layers' },
    ],
  },
  variant: (ctx) => `OPT-Tree layer growth with the δ stop rule; ${ctx.processors.doSample ? 'sample-then-match (OPT-Tree verify)' : 'greedy walk'}`,
  async run(ctx) {
    const n = methodNumber(ctx.params, 'tree_nodes', 12);
    const threshold = methodNumber(ctx.params, 'threshold', 0.3);
    const maxDepth = methodNumber(ctx.params, 'max_depth', 6);
    await runDraftTreeLoop(ctx, 'opt-tree', 'sample-then-match', async (grower, seq, room) => {
      // Candidates fed so far (expanded nodes), in order; candidate index → position in that list.
      const fed: GrowNode[] = [];
      const fedIndex = new Map<number, number>();
      const propose = async (frontier: readonly FrontierNode[]): Promise<ProposedChild[][]> => {
        const want: number[] = [];
        for (const f of frontier) {
          if (f.candidate === -1) {
            want.push(-1);
            continue;
          }
          for (const c of f.pathCandidates) {
            if (fedIndex.has(c)) continue;
            const parentCandidate = f.pathCandidates[f.pathCandidates.indexOf(c) - 1];
            fedIndex.set(c, fed.length);
            fed.push({ parent: parentCandidate === undefined ? -1 : fedIndex.get(parentCandidate)!, token: c === f.candidate ? f.token : f.pathTokens[f.pathCandidates.indexOf(c)]! });
          }
          want.push(fedIndex.get(f.candidate)!);
        }
        const dists = await grower.distributions(seq, fed, want);
        return frontier.map((f, i) => (f.depth >= room ? [] : topEntries(dists.get(want[i]!)!, n).map((e) => ({ token: e.id, value: e.prob }))));
      };
      const result = await optTree(seq[seq.length - 1]!, { nodes: n, threshold, maxDepth: Math.min(maxDepth, room + 1) }, propose);
      const specs = result.tree.nodes.filter((node) => node.depth <= room).map(({ parent, token, q, score }) => ({ parent, token, proposal: null, ...(q !== undefined ? { q } : {}), ...(score !== undefined ? { score } : {}) }));
      const curve = result.expectations.map((e) => `${e.expected.toFixed(2)}${e.continued ? '' : ' stop'}`).join(' → ');
      return { specs, source: `OPT-Tree from draft ${ctx.draft!.id}: ${result.candidates.length} candidates, E(T) ${curve}; kept ${specs.length} nodes` };
    });
  },
};
