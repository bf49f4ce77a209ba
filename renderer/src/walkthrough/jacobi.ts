/**
 * Jacobi decoding: a block of guesses is refined in parallel, one forward pass per iteration; the guess
 * at position i is recomputed from the previous iteration's tokens left of it. Positions whose whole
 * left context is final are proven (the converged prefix grows by at least one per iteration); when an
 * iteration changes nothing, the block is at its fixed point, which is exactly the greedy output.
 */
import type { JacobiIterRecord } from '../../../engine/trace/schema';
import { traceExtras } from '../views/trace-extras';
import { jacobiBlocks, jacobiGrid, type JacobiBlock } from '../views/jacobi/jacobi-model';
import { join, num, plural, say, tok, toks } from './sentence';
import { entry, runTotals, targetOnlyTemplate } from './common';
import type { BeatTemplate, StepContext, Walkthrough, WalkTarget } from './types';

interface Row {
  row: JacobiIterRecord;
  block: JacobiBlock;
  /** Index of the row within its block. */
  t: number;
}

function rowsOf(ctx: StepContext): Row[] {
  const step = entry(ctx).step;
  const blocks = jacobiBlocks(traceExtras(ctx.trace).jacobi);
  const out: Row[] = [];
  for (const block of blocks) {
    if (step < block.firstStep || step > block.lastStep) continue;
    block.rows.forEach((row, t) => {
      if (row.step === step) out.push({ row, block, t });
    });
  }
  return out;
}

function proven(ctx: StepContext): string {
  return ctx.trace.header?.method.name.startsWith('sjd') ? 'accepted' : 'proven';
}

function cell(r: Row, position: number): WalkTarget {
  return { view: 'jacobi-cell', blockStart: r.block.blockStart, iteration: r.row.iteration, position };
}

const init: BeatTemplate<Row> = {
  id: 'init',
  phase: 'commit',
  facts: (ctx) => rowsOf(ctx).filter((r) => r.t === 0),
  say(r) {
    const how = r.row.init ? ` (${r.row.init.replace(/-/g, ' ')})` : '';
    return say`A new block: ${plural(r.row.tokens.length, 'guess', 'guesses')} for the next ${plural(r.row.tokens.length, 'output token')}, made up without the model${how}. This is iteration ${num(r.row.iteration)}; every pass from now on refines all of them at once.`;
  },
  targets: (r) => r.row.tokens.map((_, k) => cell(r, r.row.offset + k)),
};

const iterate: BeatTemplate<Row> = {
  id: 'iterate',
  phase: 'commit',
  facts: (ctx) => rowsOf(ctx).filter((r) => r.t > 0),
  say(r, ctx) {
    const prev = r.block.rows[r.t - 1]!;
    const changed = r.row.changed.filter(Boolean).length;
    const from = prev.convergedPrefix;
    const to = r.row.convergedPrefix;
    const word = proven(ctx);
    const head = say`Iteration ${num(r.row.iteration)}: one forward pass recomputes all ${num(r.row.tokens.length)} positions in parallel, each from the previous row's tokens to its left; ${plural(changed, 'guess', 'guesses')} changed.`;
    const grid = jacobiGrid(r.block, (i) => ctx.trace.output[r.block.blockStart + i]?.id);
    const lucky = grid.cells[r.t]!.filter((c) => c.rightDespiteWrongContext);
    const committed = r.row.committed ?? [];
    const growth =
      to > from
        ? say`The ${word} prefix grows from ${num(from)} to ${num(to)}: ${committed.length ? toks(ctx.trace, committed) : 'those positions'} ${committed.length === 1 ? 'is' : 'are'} final, because everything left of ${committed.length === 1 ? 'it' : 'them'} already was.`
        : say`The ${word} prefix stays at ${num(to)}.`;
    const luck = lucky.length
      ? say`${tok(ctx.trace, lucky[0]!.tokenId!)} at block position ${num(lucky[0]!.position)} is already right although its context is still wrong.`
      : null;
    const fixed = changed === 0 ? say`Nothing changed: the block is at its fixed point, which is exactly what greedy decoding would have produced.` : null;
    return join(head, growth, luck, fixed);
  },
  targets(r) {
    const prev = r.block.rows[r.t - 1]!;
    const out: WalkTarget[] = [];
    for (let i = prev.convergedPrefix; i < r.row.convergedPrefix; i++) out.push(cell(r, i));
    return out.length ? out : [cell(r, Math.min(r.row.convergedPrefix, r.row.offset + r.row.tokens.length - 1))];
  },
  select(r) {
    const prev = r.block.rows[r.t - 1]!;
    const i = Math.min(prev.convergedPrefix, r.row.offset + r.row.tokens.length - 1);
    return { kind: 'cell', step: r.row.step, blockStart: r.block.blockStart, iteration: r.row.iteration, position: i };
  },
};

export const jacobiWalkthrough: Walkthrough = {
  id: 'jacobi',
  title: 'Jacobi decoding',
  tab: 'jacobi-graph',
  intro() {
    return say`Jacobi decoding treats greedy decoding as a system of equations, one per position, and solves it by iteration: guess a whole block, recompute every position from the current guesses, repeat until nothing changes. The fixed point is exactly the greedy output; each pass proves at least one more token.`;
  },
  templates: [targetOnlyTemplate((ctx) => rowsOf(ctx).length > 0), init, iterate],
  outro: runTotals,
};
