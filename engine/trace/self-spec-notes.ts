/**
 * The self-speculative methods' notes, written by the engine and read back by tests and the renderer:
 *   'draft-verify' (per step) — Draft & Verify's threshold, stopping confidence and matchness EMA as key=value pairs;
 *   'layer-skip' (step 0)     — which sub-layers the skip graph leaves out and which target layers feed the draft KV;
 *   'early-exit' (step 0)     — LayerSkip's exit graph: the target's first E layers.
 * Kept here, beside the schema, so both sides import one format. Pure; unknown text parses to null.
 */

/** One Draft & Verify step as the 'draft-verify' note records it. */
export interface DraftVerifyStep {
  /** th_stop_draft used while drafting this step. */
  thStopDraft: number;
  /** Draft probability of the last drafted token (the one drafting stopped on); null when nothing was drafted. */
  confidence: number | null;
  /** Matchness EMA after this step's verification. */
  matchnessEma: number;
  drafted: number;
  accepted: number;
  /** th_stop_draft adapted for the next step. */
  nextThStopDraft: number;
  /**
   * Why drafting ended: the last token's confidence fell below the threshold, max_step_draft was reached, or the
   * run's token budget cut it short. Absent in traces written before the key existed.
   */
  stop?: DraftVerifyStop;
}

export type DraftVerifyStop = 'confidence' | 'max_step' | 'budget';
const STOPS: readonly string[] = ['confidence', 'max_step', 'budget'];

export function draftVerifyNote(s: { thresholdUsed: number; confidence: number | null; matchness: number; drafted: number; accepted: number; nextThreshold: number; stop?: DraftVerifyStop }): string {
  return [
    `th_stop_draft=${s.thresholdUsed.toFixed(6)}`,
    `confidence=${s.confidence === null ? 'none' : s.confidence.toFixed(6)}`,
    `matchness_ema=${s.matchness.toFixed(6)}`,
    `drafted=${s.drafted}`,
    `accepted=${s.accepted}`,
    `next_th_stop_draft=${s.nextThreshold.toFixed(6)}`,
    ...(s.stop ? [`stop=${s.stop}`] : []),
  ].join(' ');
}

/** Reads a 'draft-verify' note back; null when the message is not one. */
export function parseDraftVerifyNote(message: string): DraftVerifyStep | null {
  const kv = new Map(message.split(' ').map((p) => p.split('=') as [string, string]));
  const num = (k: string) => (kv.has(k) ? Number(kv.get(k)) : NaN);
  const step = {
    thStopDraft: num('th_stop_draft'),
    confidence: kv.get('confidence') === 'none' ? null : num('confidence'),
    matchnessEma: num('matchness_ema'),
    drafted: num('drafted'),
    accepted: num('accepted'),
    nextThStopDraft: num('next_th_stop_draft'),
  };
  const numbers = [step.thStopDraft, step.matchnessEma, step.drafted, step.accepted, step.nextThStopDraft, step.confidence ?? 0];
  if (!numbers.every(Number.isFinite)) return null;
  const stop = kv.get('stop');
  return stop !== undefined && STOPS.includes(stop) ? { ...step, stop: stop as DraftVerifyStop } : step;
}

/** What a self-speculative drafter keeps of the target: per layer, whether it runs attention / MLP. */
export interface DrafterLayers {
  numLayers: number;
  /** Layers whose attention the drafter skips. */
  skipAttention: number[];
  /** Layers whose MLP the drafter skips; null when the note could not say ('?'). */
  skipMlp: number[] | null;
  /** Target layers whose KV the drafter reads. */
  kvLayers: number[];
  /** The graph file the drafter runs. */
  graph: string;
}

const intList = (s: string): number[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '').map(Number);

/** Reads the 'layer-skip' note: "drafting with F: skips attention {..}, MLP {..} of N layers; draft KV = target layers [..]". */
export function parseLayerSkipNote(message: string): DrafterLayers | null {
  const m = /^drafting with (\S+): skips attention \{([^}]*)\}, MLP (?:\{([^}]*)\}|\?) of (\d+) layers; draft KV = target layers \[([^\]]*)\]/.exec(message);
  if (!m) return null;
  const [, graph, attn, mlp, n, kv] = m;
  return { graph: graph!, skipAttention: intList(attn!), skipMlp: mlp === undefined ? null : intList(mlp), numLayers: Number(n), kvLayers: intList(kv!) };
}

/**
 * Reads the 'early-exit' note: "drafting with F (layers 0..E−1 of N)". The drafter runs whole layers 0..E−1 and
 * nothing above; after each verification its cache is the target's first E layers (LayerSkip's shared cache).
 */
export function parseEarlyExitNote(message: string): DrafterLayers | null {
  const m = /^drafting with (\S+) \(layers 0\.\.(\d+) of (\d+)\)/.exec(message);
  if (!m) return null;
  const exit = Number(m[2]) + 1;
  const numLayers = Number(m[3]);
  const above = Array.from({ length: Math.max(0, numLayers - exit) }, (_, i) => exit + i);
  return { graph: m[1]!, numLayers, skipAttention: above, skipMlp: above, kvLayers: Array.from({ length: exit }, (_, i) => i) };
}
