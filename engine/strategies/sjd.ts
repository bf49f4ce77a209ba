/**
 * Speculative Jacobi decoding (Teng et al. 2025): Jacobi iteration with sampling, where each draft keeps the
 * distribution it was drawn from and is accepted by the speculative-sampling rule; and its LANTERN-style relaxed
 * (lossy) variant as a separate method, so the trace header's `lossless` flag is right. The loop lives in
 * engine/jacobi/sjd-run.ts.
 */
import type { Strategy } from './strategy';
import { runSjd, sjdMode, sjdSettings } from '../jacobi/sjd-run';
import { validateMethodParams } from '../jacobi/run-support';

const WINDOW_PARAM = { name: 'window', default: 8, min: 1, max: 64, step: 1, help: 'L: draft tokens verified per pass' };

export const sjd: Strategy = {
  aliases: ['speculative_jacobi', 'speculative-jacobi'],
  description: {
    name: 'sjd',
    family: 'jacobi',
    lossless: true,
    needs: [],
    description:
      "Speculative Jacobi decoding: a window of L drafts after the last token is verified in one forward pass with the speculative-sampling rule (accept d with probability min(1, p(d)/q(d)), else resample from norm(max(0, p - q))); rejected positions get new drafts sampled from that pass's outputs. Exact: samples follow the model's processed distribution; with do_sample false it is greedy (a sliding-window Jacobi).",
    params: [WINDOW_PARAM],
  },
  variant: (ctx) => (sjdMode(ctx, false) === 'exact' ? 'speculative-sampling' : 'greedy'),
  validate: (ctx) => validateMethodParams(() => sjdSettings(ctx)),
  run: (ctx) => runSjd(ctx, false),
};

export const sjdLantern: Strategy = {
  aliases: ['sjd-lantern', 'lantern'],
  description: {
    name: 'sjd_lantern',
    family: 'jacobi',
    lossless: false,
    needs: [],
    description:
      'Speculative Jacobi decoding with a LANTERN-style relaxed acceptance. LOSSY: the output no longer follows the model distribution. A draft is credited with up to lantern_delta of probability from tokens close to it and accepted with probability min(1, (p(d) + credit) / q(d)). Closeness is lexical (same text up to case and surrounding spaces) because the bundled models expose no token embeddings. Needs do_sample.',
    params: [WINDOW_PARAM, { name: 'lantern_delta', default: 0.1, min: 0, max: 1, step: 0.05, help: 'probability mass a draft may borrow from close tokens' }],
  },
  variant: () => 'lantern-relaxed (lossy)',
  validate(ctx) {
    if (!ctx.processors.doSample) return 'params.do_sample: sjd_lantern relaxes a sampling rule; set do_sample=true (or use sjd for greedy)';
    return validateMethodParams(() => sjdSettings(ctx));
  },
  run: (ctx) => runSjd(ctx, true),
};
