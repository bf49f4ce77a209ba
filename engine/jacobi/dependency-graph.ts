/**
 * The Jacobi decoding dependency graph (Santilli et al.'s DDG), decoding-algorithms §7.1: an iterations ×
 * block-positions grid. Row 0 holds the initial guesses, row t the guesses after the t-th forward pass.
 * Computationally cell (t, i) is produced from the cells (t−1, j < i) that were fed plus the committed context.
 * Pure functions over recorded rows, shared by the engine (trace extras, tests) and the renderer.
 */

export interface GridRow {
  /** 0 = initial guess. */
  iteration: number;
  /** Block position of tokens[0]. */
  offset: number;
  tokens: readonly number[];
  /** Proven prefix (block positions) after this row was produced. */
  proven: number;
}

export type CellStatus =
  /** On the converged staircase: proven final by this iteration. */
  | 'converged'
  /** Equal to the final output although some token it was computed from was still wrong. */
  | 'correct-despite-wrong-context'
  /** Equal to the final output, context correct, but not yet proven (the staircase catches up next row). */
  | 'correct'
  | 'wrong'
  /** Row 0 guesses that happen to be right (nothing computed them). */
  | 'guessed-right';

export interface GridCell {
  iteration: number;
  position: number;
  token: number;
  correct: boolean;
  status: CellStatus;
}

export interface BlockAnalysis {
  cells: GridCell[][];
  /** Per block position: the first row where the cell equals the final token (null if never). */
  firstCorrect: (number | null)[];
  /** Per block position: the row from which the cell equals the final token in every later row it appears in. */
  fixedFrom: (number | null)[];
  /** Per row: proven prefix length (the staircase). */
  staircase: number[];
}

export interface CellRef {
  iteration: number;
  position: number;
}

/** The cells that cell (iteration, position) was computed from (previous row, earlier positions present in it). */
export function dependsOn(rows: readonly GridRow[], iteration: number, position: number): CellRef[] {
  if (iteration <= 0) return [];
  const prev = rows[iteration - 1];
  if (!prev) return [];
  const refs: CellRef[] = [];
  for (let j = prev.offset; j < position && j < prev.offset + prev.tokens.length; j++) refs.push({ iteration: iteration - 1, position: j });
  return refs;
}

/** The cells computed from cell (iteration, position): later positions of the next row. */
export function dependents(rows: readonly GridRow[], iteration: number, position: number): CellRef[] {
  const next = rows[iteration + 1];
  if (!next) return [];
  const refs: CellRef[] = [];
  for (let k = Math.max(position + 1, next.offset); k < next.offset + next.tokens.length; k++) refs.push({ iteration: iteration + 1, position: k });
  return refs;
}

/** Classifies every cell against the block's final tokens (the greedy output for positions 0..size-1). */
export function analyseBlock(rows: readonly GridRow[], final: readonly number[]): BlockAnalysis {
  const size = final.length;
  const cells: GridCell[][] = rows.map((row) =>
    row.tokens.map((token, k) => {
      const position = row.offset + k;
      const correct = token === final[position];
      let status: CellStatus;
      if (row.iteration === 0) status = correct ? 'guessed-right' : 'wrong';
      else if (position < row.proven) status = 'converged';
      else if (!correct) status = 'wrong';
      else {
        const contextWrong = dependsOn(rows, row.iteration, position).some((ref) => rowToken(rows[ref.iteration]!, ref.position) !== final[ref.position]);
        status = contextWrong ? 'correct-despite-wrong-context' : 'correct';
      }
      return { iteration: row.iteration, position, token, correct, status };
    }),
  );
  const firstCorrect: (number | null)[] = new Array<number | null>(size).fill(null);
  const fixedFrom: (number | null)[] = new Array<number | null>(size).fill(null);
  for (let position = 0; position < size; position++) {
    for (const row of cells) {
      const cell = row.find((c) => c.position === position);
      if (!cell) continue;
      if (cell.correct) {
        if (firstCorrect[position] === null) firstCorrect[position] = cell.iteration;
        if (fixedFrom[position] === null) fixedFrom[position] = cell.iteration;
      } else fixedFrom[position] = null;
    }
  }
  return { cells, firstCorrect, fixedFrom, staircase: rows.map((r) => r.proven) };
}

function rowToken(row: GridRow, position: number): number | undefined {
  return row.tokens[position - row.offset];
}
