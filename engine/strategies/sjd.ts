/**
 * Speculative Jacobi decoding (Teng et al. 2025): Jacobi iteration with sampling, where each draft keeps the
 * distribution it was drawn from and is accepted by the speculative-sampling rule. The loop lives in
 * engine/jacobi/sjd-run.ts.
 */
import type { Strategy } from './strategy';
import { runSjd, sjdMode, sjdSettings } from '../jacobi/sjd-run';
import { validateMethodParams } from '../jacobi/run-support';

export const sjd: Strategy = {
  aliases: ['speculative_jacobi', 'speculative-jacobi'],
  description: {
    name: 'sjd',
    family: 'jacobi',
    lossless: true,
    needs: [],
    description:
      "Speculative Jacobi decoding: a window of L drafts after the last token is verified in one forward pass with the speculative-sampling rule (accept d with probability min(1, p(d)/q(d)), else resample from norm(max(0, p - q))); rejected positions get new drafts sampled from that pass's outputs. Exact: samples follow the model's processed distribution (greedy when do_sample is false). method.acceptance = 'lantern' switches to a LANTERN-style relaxed acceptance that is LOSSY (output no longer follows the model): a draft is credited with up to method.lantern_delta of probability from lexically close tokens (same text up to case and surrounding spaces; the bundled models expose no embeddings).",
    params: [
      { name: 'window', default: 8, min: 1, max: 64, step: 1, help: 'L: draft tokens verified per pass' },
      { name: 'lantern_delta', default: 0.1, min: 0, max: 1, step: 0.05, help: 'LANTERN only (lossy): probability mass a draft may borrow from close tokens' },
    ],
  },
  variant: (ctx) => {
    const mode = sjdMode(ctx);
    return mode === 'lantern' ? 'lantern-relaxed (lossy)' : mode === 'exact' ? 'speculative-sampling' : 'greedy';
  },
  validate(ctx) {
    return validateMethodParams(() => sjdSettings(ctx));
  },
  run: runSjd,
};
