/** View models of the speculative views, on real engine traces written by the CLI (bundled models). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexRecords, type TraceIndex } from '../../renderer/src/trace/trace-index';
import { parseTraceText } from '../../renderer/src/trace/parse-trace';
import { buildDraftTree, collapseTree, treeMask, pathTo, EXTRA_NODE, ROOT_NODE } from '../../renderer/src/views/speculative/draft-tree-model';
import { acceptanceFacts } from '../../renderer/src/views/speculative/acceptance-model';
import { stepStats } from '../../renderer/src/views/speculative/spec-stats-model';

function runCli(args: string[]): TraceIndex {
  const out = join(mkdtempSync(join(tmpdir(), 'spec-views-')), 't.trace.jsonl');
  execFileSync('node', ['engine/cli/decodescope.mjs', 'run', '--prompt', 'def parse_args(', '--out', out, ...args], { stdio: 'pipe' });
  return indexRecords(parseTraceText(readFileSync(out, 'utf8')).records);
}

describe('draft tree view model (sampled chain speculative run)', () => {
  let trace: TraceIndex;
  beforeAll(() => {
    trace = runCli(['--method', 'speculative', '--max-new-tokens', '24', '--do-sample', '--seed', '1']);
  }, 240_000);

  const specSteps = () => trace.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.drafts.length > 0 && s.verify);

  it('reveals nothing before verification, the decisions after, the target token at commit', () => {
    const { i } = specSteps()[0]!;
    const atDraft = buildDraftTree(trace, i, 'draft')!;
    expect(atDraft.nodes.filter((n) => n.node >= 0).every((n) => n.status === 'pending')).toBe(true);
    expect(atDraft.byId.has(EXTRA_NODE)).toBe(false);
    const atVerify = buildDraftTree(trace, i, 'verify')!;
    expect(atVerify.nodes.some((n) => n.status === 'accepted' || n.status === 'rejected')).toBe(true);
    expect(atVerify.byId.has(EXTRA_NODE)).toBe(false);
    const atCommit = buildDraftTree(trace, i, 'commit')!;
    const extra = atCommit.byId.get(EXTRA_NODE)!;
    expect(['resampled', 'bonus']).toContain(extra.status);
    // The committed tokens are the accepted path followed by the extra token, in order.
    const path = pathTo(atCommit, EXTRA_NODE).filter((n) => n !== ROOT_NODE).map((n) => atCommit.byId.get(n)!.tokenId);
    expect(path).toEqual(trace.steps[i]!.commit!.tokens.map((t) => t.id));
  });

  it('marks nodes after the first rejection as never examined, and counts match the verify record', () => {
    for (const { s, i } of specSteps()) {
      const v = buildDraftTree(trace, i, 'commit')!;
      const accepted = v.nodes.filter((n) => n.status === 'accepted').length;
      expect(accepted).toBe(s.verify!.acceptedLength);
      const rejected = v.nodes.filter((n) => n.status === 'rejected');
      if (rejected.length) {
        const depth = rejected[0]!.depth;
        expect(v.nodes.filter((n) => n.node >= 0 && n.depth > depth).every((n) => n.status === 'skipped')).toBe(true);
        expect(v.byId.get(EXTRA_NODE)!.status).toBe('resampled');
      }
    }
  });

  it('explains a sampled rejection with u against min(1, p/q)', () => {
    const hit = specSteps().find(({ s }) => s.verify!.decisions.some((d) => !d.accepted));
    expect(hit).toBeDefined();
    const v = buildDraftTree(trace, hit!.i, 'commit')!;
    const node = v.nodes.find((n) => n.status === 'rejected')!;
    const f = acceptanceFacts(node, v.rule, 'x', 'y');
    expect(f.sampled).toBe(true);
    expect(f.threshold).toBeCloseTo(Math.min(1, node.decision!.p / node.decision!.q!), 6);
    expect(f.u!).toBeGreaterThanOrEqual(f.threshold!);
    expect(f.sentence).toMatch(/^Rejected: u = [\d.]+ ≥ min\(1, p\/q\)/);
  });

  it('gives each drafted node exactly its ancestors in the tree mask', () => {
    const { i } = specSteps()[0]!;
    const v = buildDraftTree(trace, i, 'commit')!;
    const { order, attends } = treeMask(v);
    order.forEach((node, k) => expect([...attends.get(node)!].sort((a, b) => a - b)).toEqual(order.slice(0, k + 1)));
  });

  it('running τ and acceptance agree with the footer', () => {
    const stats = stepStats(trace);
    const last = stats.at(-1)!;
    expect(last.tau).toBeCloseTo(trace.footer!.summary.tau, 6);
    expect(last.acceptance).toBeCloseTo(trace.footer!.summary.acceptanceRate!, 6);
    expect(stats.some((s) => s.draftMs > 0 && s.verifyMs > 0)).toBe(true);
  });
});

describe('folding big trees', () => {
  it('keeps the committed path and examined nodes, folds low-probability subtrees and counts them', () => {
    // A synthetic 500-node tree: root → 20 children, each with a chain of 24 low-probability nodes.
    const nodes = [];
    let id = 0;
    for (let c = 0; c < 20; c++) {
      const head = id++;
      nodes.push({ node: head, parent: -1, tokenId: 1, depth: 1, q: c === 0 ? 0.6 : 0.02 });
      let parent = head;
      for (let d = 2; d <= 25; d++) {
        const n = id++;
        nodes.push({ node: n, parent, tokenId: 2, depth: d, q: 0.004 });
        parent = n;
      }
    }
    const trace = indexRecords([
      { type: 'draft', step: 1, model: 'draft', kind: 'tree', source: 'synthetic', nodes },
      { type: 'verify', step: 1, rule: 'greedy', acceptedLength: 1, decisions: [{ node: 0, tokenId: 1, p: 0.7, accepted: true, reason: 'ok' }, { node: 1, tokenId: 2, p: 0.1, accepted: false, reason: 'no' }] },
      { type: 'commit', step: 1, outputIndex: 0, targetForwardPasses: 1, tokens: [{ id: 1, source: 'accepted' }, { id: 3, source: 'resampled' }] },
    ]);
    const v = buildDraftTree(trace, 0, 'commit')!;
    expect(v.nodes).toHaveLength(500 + 2);
    const { keep, hidden } = collapseTree(v, { minProb: 0.01, focusPath: false });
    expect(keep.has(0) && keep.has(1) && keep.has(EXTRA_NODE)).toBe(true);
    expect(keep.size).toBeLessThan(60);
    let folded = 0;
    for (const n of hidden.values()) folded += n;
    expect(keep.size + folded).toBe(v.nodes.length);
    const focus = collapseTree(v, { minProb: 0, focusPath: true });
    expect(focus.keep.size).toBeLessThan(keep.size + 20);
  });
});
