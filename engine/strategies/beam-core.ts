/**
 * Beam search bookkeeping with Hugging Face semantics (BeamSearchScorer / BeamHypotheses), independent of any
 * model so it can be checked against exhaustive search. Scores are sums of processed log-probabilities; a finished
 * hypothesis scores sum / generated_len ** length_penalty, generated_len counting its EOS token.
 */

export interface BeamCandidate {
  beam: number;
  tokenId: number;
  logprob: number;
  score: number;
  kept: boolean;
  finished: boolean;
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

  /** One step: `logprobs[j]` is the processed log-distribution after running beam j. */
  step(logprobs: readonly Float32Array[]): BeamStepResult {
    const B = this.cfg.numBeams;
    const cur = this.running[0]!.tokens.length; // generated so far, same for all beams
    const genLen = cur + 1;
    const keep = Math.max(2, 1 + this.cfg.eos.size) * B;
    // Top `keep` of (beam score + logprob) over all beams × vocabulary; ties by (beam, token) order.
    const top: { beam: number; tokenId: number; logprob: number; score: number }[] = [];
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
    this.running = next.map(({ tokens, sum }) => ({ tokens, sum }));
    const best = top.length ? top[0]!.score : -Infinity;
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
