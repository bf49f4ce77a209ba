/**
 * The Jacobi dependency graph as a grid: rows are iterations of one block, columns block positions.
 * Cell (t, i) was computed from cells (t−1, j < i) plus the committed context, so it depends on the
 * row above to its left and feeds the row below to its right. Pure, unit-tested.
 */
import type { JacobiIterRecord } from '../../../../engine/trace/schema';

export interface JacobiBlock {
  blockStart: number;
  blockSize: number;
  rows: JacobiIterRecord[];
  firstStep: number;
  lastStep: number;
}

/** Groups jacobi_iter records into blocks: a new block starts when blockStart changes or iterations restart. */
export function jacobiBlocks(records: readonly JacobiIterRecord[]): JacobiBlock[] {
  const blocks: JacobiBlock[] = [];
  let cur: JacobiBlock | undefined;
  for (const r of records) {
    const prev = cur?.rows[cur.rows.length - 1];
    if (!cur || r.blockStart !== cur.blockStart || (prev && r.iteration <= prev.iteration)) {
      cur = { blockStart: r.blockStart, blockSize: r.blockSize, rows: [], firstStep: r.step, lastStep: r.step };
      blocks.push(cur);
    }
    cur.rows.push(r);
    cur.blockSize = Math.max(cur.blockSize, r.blockSize);
    cur.lastStep = r.step;
  }
  return blocks;
}

/** The block to show for a step: the one containing it, else the next one, else the last before it. */
export function blockForStep(blocks: readonly JacobiBlock[], step: number): JacobiBlock | undefined {
  return (
    blocks.find((b) => step >= b.firstStep && step <= b.lastStep) ??
    blocks.find((b) => b.firstStep > step) ??
    [...blocks].reverse().find((b) => b.lastStep < step)
  );
}

export type CellState = 'guess' | 'cached';

export interface JacobiCell {
  row: number;
  iteration: number;
  step: number;
  position: number;
  state: CellState;
  tokenId?: number;
  prob?: number;
  /** Equals the token the run finally produced at this position. */
  final: boolean;
  /** Inside the converged (proven) prefix after this row. */
  converged: boolean;
  changed: boolean;
  /** Equals the final token although some cell it was computed from was still wrong. */
  rightDespiteWrongContext: boolean;
}

export interface JacobiGrid {
  block: JacobiBlock;
  columns: number;
  cells: JacobiCell[][];
  /** convergedPrefix per row (the staircase). */
  staircase: number[];
}

/** `finalAt(i)`: the token finally produced at block position i (undefined when not known). */
export function jacobiGrid(block: JacobiBlock, finalAt: (position: number) => number | undefined): JacobiGrid {
  let columns = 0;
  for (const r of block.rows) columns = Math.max(columns, r.offset + r.tokens.length, r.convergedPrefix);
  columns = Math.min(Math.max(columns, 1), Math.max(block.blockSize, columns));
  const cells: JacobiCell[][] = [];
  block.rows.forEach((r, t) => {
    const row: JacobiCell[] = [];
    for (let i = 0; i < columns; i++) {
      const k = i - r.offset;
      const inBlock = k >= 0 && k < r.tokens.length;
      const tokenId = inBlock ? r.tokens[k] : i < r.offset ? finalAt(i) : undefined;
      const fin = finalAt(i);
      const final = tokenId !== undefined && fin !== undefined && tokenId === fin;
      row.push({
        row: t,
        iteration: r.iteration,
        step: r.step,
        position: i,
        state: inBlock ? 'guess' : 'cached',
        tokenId,
        prob: inBlock ? r.probs?.[k] : undefined,
        final,
        converged: i < r.convergedPrefix,
        changed: inBlock ? !!r.changed[k] : false,
        rightDespiteWrongContext: false,
      });
    }
    cells.push(row);
  });
  // A cell is "right despite wrong context" when it is final and some cell it depends on was not.
  for (let t = 1; t < cells.length; t++) {
    let wrongSoFar = false;
    for (let i = 0; i < columns; i++) {
      const c = cells[t]![i]!;
      if (c.state === 'guess' && c.final && wrongSoFar && !c.converged) c.rightDespiteWrongContext = true;
      const above = cells[t - 1]![i]!;
      if (above.tokenId !== undefined && !above.final) wrongSoFar = true;
    }
  }
  return { block, columns, cells, staircase: block.rows.map((r) => Math.min(columns, r.convergedPrefix)) };
}

/** Cells (row, position) that cell (t, i) was computed from: the previous row, positions before i. */
export function dependsOn(grid: JacobiGrid, t: number, i: number): [number, number][] {
  if (t <= 0) return [];
  const out: [number, number][] = [];
  for (let j = 0; j < i; j++) if (grid.cells[t - 1]![j]!.tokenId !== undefined) out.push([t - 1, j]);
  return out;
}

/** Cells computed from cell (t, i): the next row, positions after i. */
export function dependents(grid: JacobiGrid, t: number, i: number): [number, number][] {
  if (t + 1 >= grid.cells.length) return [];
  const out: [number, number][] = [];
  for (let j = i + 1; j < grid.columns; j++) if (grid.cells[t + 1]![j]!.tokenId !== undefined) out.push([t + 1, j]);
  return out;
}
