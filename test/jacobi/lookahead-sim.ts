/**
 * Drives the pure lookahead pieces against the toy model exactly the way the strategy drives the real one:
 * prefill picks the first token, then each step builds the single-pass (or separate-pass) inputs, reads the
 * model's picks from each fed token's visible context, verifies pool candidates and advances the window.
 * Every fed token's visible context is checked to be a contiguous run of positions ending at its own position.
 */
import { advanceWindow, initWindow, isWindowFull, verifyCandidates, type LookaheadConfig, type LookaheadWindow, type WindowUpdate } from '../../engine/jacobi/lookahead';
import { separatePassLayout, singlePassLayout } from '../../engine/jacobi/lookahead-layout';
import { NgramPool } from '../../engine/jacobi/ngram-pool';
import type { ToyLm } from './toy-lm';

export interface SimStep {
  last: number;
  window: LookaheadWindow;
  update: WindowUpdate;
  candidates: number[][];
  committed: number[];
  acceptedLength: number;
}

export function lookaheadSim(lm: ToyLm, prompt: readonly number[], maxNew: number, config: LookaheadConfig, uniform: () => number, passes: 'single' | 'separate') {
  const out = [lm.pick(prompt)];
  const pool = new NgramPool(config.guessSetSize, config.level - 1);
  let window = initWindow(config, prompt, uniform).window;
  const steps: SimStep[] = [];
  while (out.length < maxNew) {
    const last = out[out.length - 1]!;
    const p = prompt.length + out.length - 1;
    const cached = [...prompt, ...out.slice(0, -1)];
    const candidates = isWindowFull(window, config) ? pool.candidates(last) : [];
    let first: number;
    let topPicks: number[];
    let guessPicks: number[][];
    if (passes === 'single') {
      const layout = singlePassLayout(last, p, window, candidates);
      const pickAt = (k: number) => {
        const sees = layout.visible[k]!;
        sees.forEach((j, m) => {
          if (layout.positionIds[j] !== p + m) throw new Error(`fed ${k}: visible token ${j} at position ${layout.positionIds[j]}, expected ${p + m}`);
        });
        if (sees.at(-1) !== k) throw new Error(`fed ${k} does not see itself last`);
        return lm.pick([...cached, ...sees.map((j) => layout.inputIds[j]!)]);
      };
      first = pickAt(layout.lastIndex);
      topPicks = layout.topRows.map(pickAt);
      guessPicks = layout.guessRows.map((rows) => rows.map(pickAt));
    } else {
      const layout = separatePassLayout(last, p, window, candidates);
      const rowPick = (base: number[], row: { inputIds: number[]; positionIds: number[] }, idx: number) => {
        row.positionIds.forEach((pos, m) => {
          if (pos !== p + base.length + m) throw new Error(`row position ${pos} at ${m}, expected ${p + base.length + m}`);
        });
        return lm.pick([...cached, ...base, ...row.inputIds.slice(0, idx + 1)]);
      };
      first = rowPick([], layout.windowRows[0]!, 0);
      topPicks = layout.topOutputs.map(([r, i]) => rowPick([], layout.windowRows[r]!, i));
      guessPicks = layout.guessRows.map((row) => row.inputIds.map((_, j) => rowPick([last], row, j)));
    }
    const verification = verifyCandidates(first, candidates, guessPicks);
    const update = advanceWindow(window, config, topPicks, last, pool);
    steps.push({ last, window, update, candidates, committed: verification.committed, acceptedLength: verification.acceptedLength });
    window = update.window;
    out.push(...verification.committed);
  }
  return { tokens: out.slice(0, maxNew), steps, pool, forwardPasses: 1 + steps.length };
}
