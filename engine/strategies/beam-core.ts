/**
 * Beam search bookkeeping with Hugging Face semantics (BeamSearchScorer / BeamHypotheses), independent of any
 * model so it can be checked against exhaustive search. Scores are sums of processed log-probabilities; a finished
 * hypothesis scores sum / generated_len ** length_penalty, generated_len counting its EOS token.
 *
 * `step` is beam search proper (the best candidates by score); `stepSampled` is beam multinomial sampling
 * (HF `_beam_search` with do_sample): the candidates are drawn without replacement from the softmax over every
 * beam × token score, then ranked by score like the greedy ones.
 */
import { drawWithoutReplacement } from '../logits/sampler';

export interface BeamCandidate {
  beam: number;
  tokenId: number;
  logprob: number;
  score: number;
  kept: boolean;
  finished: boolean;
  /** Sampled steps: probability of this beam·token under the softmax over all beams × vocabulary. */
  prob?: number;
  /** Sampled steps: the uniform that drew it, the mass still undrawn then, and where u·massLeft landed. */
  u?: number;
  massLeft?: number;
  cumBefore?: number;
}

interface Scored {
  beam: number;
  tokenId: number;
  logprob: number;
  score: number;
}

export interface RunningBeam {
  tokens: number[];
  /** Sum of log-probabilities of the generated tokens. */
  sum: number;
}

export interface FinishedBeam {
  tokens: number[];
  score: number;
}

export interface BeamStepResult {
  candidates: BeamCandidate[];
  /** The new running beams with the index of the beam each grew from. */
  beams: (RunningBeam & { parent: number })[];
  done: boolean;
}

export interface BeamConfig {
  numBeams: number;
  lengthPenalty: number;
  eos: ReadonlySet<number>;
  /** true: stop when numBeams hypotheses finished; false: HF heuristic; 'never': canonical bound. */
  earlyStopping: boolean | 'never';
  maxNewTokens: number;
}

export class BeamSearch {
  running: RunningBeam[] = [{ tokens: [], sum: 0 }];
  finished: FinishedBeam[] = [];
  done = false;

  constructor(readonly cfg: BeamConfig) {}

  private addFinished(tokens: number[], sum: number, genLen: number): void {
    const score = sum / genLen ** this.cfg.lengthPenalty;
    const B = this.cfg.numBeams;
    if (this.finished.length < B || score > this.worstFinished()) {
      this.finished.push({ tokens, score });
      if (this.finished.length > B) {
        let worst = 0;
        for (let i = 1; i < this.finished.length; i++) if (this.finished[i]!.score < this.finished[worst]!.score) worst = i;
        this.finished.splice(worst, 1);
      }
    }
  }

  private worstFinished(): number {
    return this.finished.reduce((m, f) => Math.min(m, f.score), Infinity);
  }

  /** Candidates per step: HF keeps max(2, 1 + #eos) · numBeams so enough non-EOS ones survive. */
  private keep(): number {
    return Math.max(2, 1 + this.cfg.eos.size) * this.cfg.numBeams;
  }

  /** One step: `logprobs[j]` is the processed log-distribution after running beam j. */
  step(logprobs: readonly Float32Array[]): BeamStepResult {
    const B = this.cfg.numBeams;
    const genLen = this.running[0]!.tokens.length + 1; // generated so far (same for all beams) plus this token
    const keep = this.keep();
    // Top `keep` of (beam score + logprob) over all beams × vocabulary; ties by (beam, token) order.
    const top: Scored[] = [];
    let worst = -Infinity;
    this.running.forEach((beam, j) => {
      const lp = logprobs[j]!;
      for (let v = 0; v < lp.length; v++) {
        const x = lp[v]!;
        if (x === -Infinity) continue;
        const score = beam.sum + x;
        if (top.length === keep && score <= worst) continue;
        let pos = top.length;
        while (pos > 0 && score > top[pos - 1]!.score) pos--;
        top.splice(pos, 0, { beam: j, tokenId: v, logprob: x, score });
        if (top.length > keep) top.pop();
        worst = top[top.length - 1]!.score;
      }
    });
    const candidates: BeamCandidate[] = [];
    const next: (RunningBeam & { parent: number })[] = [];
    top.forEach((c, rank) => {
      const tokens = [...this.running[c.beam]!.tokens, c.tokenId];
      let kept = false;
      let finished = false;
      if (next.length < B) {
        if (this.cfg.eos.has(c.tokenId)) {
          // Only EOS candidates among the top numBeams may finish (HF).
          if (rank < B) {
            this.addFinished(tokens, c.score, genLen);
            finished = true;
          }
        } else {
          next.push({ tokens, sum: c.score, parent: c.beam });
          kept = true;
        }
      }
      candidates.push({ ...c, kept, finished });
    });
    return this.advance(candidates, next, genLen, top.length ? top[0]!.score : -Infinity);
  }

  /**
   * One beam-sampling step: draws up to max(2, 1 + #eos) · numBeams distinct beam·token candidates, one uniform
   * each from `next`, with probability softmax(beam sum + processed logprob) over every running beam's vocabulary.
   * As in HF (transformers ≥ 4.45) the draw order decides which EOS candidates may finish (the first numBeams
   * drawn), the score decides which drawn non-EOS candidates run on (the best numBeams), and at the length limit
   * the first numBeams drawn finish. Candidates are returned in draw order.
   */
  stepSampled(logprobs: readonly Float32Array[], next: () => number): BeamStepResult {
    const B = this.cfg.numBeams;
    const genLen = this.running[0]!.tokens.length + 1;
    const atLimit = genLen >= this.cfg.maxNewTokens;
    const pool: Scored[] = [];
    this.running.forEach((beam, j) => {
      const lp = logprobs[j]!;
      for (let v = 0; v < lp.length; v++) if (lp[v]! !== -Infinity) pool.push({ beam: j, tokenId: v, logprob: lp[v]!, score: beam.sum + lp[v]! });
    });
    let max = -Infinity;
    for (const c of pool) if (c.score > max) max = c.score;
    let z = 0;
    for (const c of pool) z += Math.exp(c.score - max);
    const lse = max + Math.log(z);
    const probs = pool.map((c) => Math.exp(c.score - lse));
    // The canonical order (as in pickByDraw): descending score, ties by (beam, token), i.e. by pool index.
    const order = pool.map((_, i) => i).sort((a, b) => pool[b]!.score - pool[a]!.score || a - b);
    const drawn = drawWithoutReplacement(probs, order, this.keep(), next);
    const candidates: BeamCandidate[] = drawn.map((d, pos) => {
      const c = pool[d.index]!;
      const finished = pos < B && (atLimit || this.cfg.eos.has(c.tokenId));
      if (finished) this.addFinished([...this.running[c.beam]!.tokens, c.tokenId], c.score, genLen);
      return { ...c, kept: false, finished, prob: d.prob, u: d.u, massLeft: d.massLeft, cumBefore: d.cumBefore };
    });
    const nextBeams: (RunningBeam & { parent: number })[] = [];
    if (!atLimit) {
      const byScore = candidates.map((_, i) => i).sort((a, b) => candidates[b]!.score - candidates[a]!.score || a - b);
      for (const i of byScore) {
        const c = candidates[i]!;
        if (nextBeams.length === B) break;
        if (this.cfg.eos.has(c.tokenId)) continue;
        nextBeams.push({ tokens: [...this.running[c.beam]!.tokens, c.tokenId], sum: c.score, parent: c.beam });
        c.kept = true;
      }
    }
    // HF bounds what the running beams can still reach by the best running beam's score.
    return this.advance(candidates, nextBeams, genLen, nextBeams.length ? nextBeams[0]!.sum : -Infinity);
  }

  /** Makes `next` the running beams and decides whether the search is over (at the length limit they finish). */
  private advance(candidates: BeamCandidate[], next: (RunningBeam & { parent: number })[], genLen: number, best: number): BeamStepResult {
    this.running = next.map(({ tokens, sum }) => ({ tokens, sum }));
    this.done = this.isDone(best, genLen) || next.length === 0;
    if (!this.done && genLen >= this.cfg.maxNewTokens) {
      for (const b of this.running) this.addFinished(b.tokens, b.sum, genLen);
      this.done = true;
    }
    return { candidates, beams: next, done: this.done };
  }

  private isDone(bestSum: number, genLen: number): boolean {
    const B = this.cfg.numBeams;
    if (this.finished.length < B) return false;
    if (this.cfg.earlyStopping === true) return true;
    const lp = this.cfg.lengthPenalty;
    const attainable = this.cfg.earlyStopping === false ? bestSum / genLen ** lp : lp > 0 ? bestSum / this.cfg.maxNewTokens ** lp : bestSum / genLen ** lp;
    return this.worstFinished() >= attainable;
  }

  /** The best finished hypothesis (highest score; the earliest added wins ties). */
  best(): FinishedBeam | undefined {
    let best: FinishedBeam | undefined;
    for (const f of this.finished) if (!best || f.score > best.score) best = f;
    return best;
  }
}
