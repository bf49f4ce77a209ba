/**
 * Run summary named as the speculative-decoding literature names it, computed from trace records alone, so the
 * engine (live), the CLI (`stats`) and the UI (a loaded file) all agree. Incremental: feed records as they come.
 *
 * τ = committed tokens / target forward passes (prefill and bonus included; plain decoding gives 1.00).
 * acceptanceRate = accepted drafted tokens / drafted tokens (verify.acceptedLength over draft node counts).
 */
import type { Summary, TraceRecord, TokenEntry } from './schema';
import { bytesToFaithfulText } from '../tokens/bytes';

export class SummaryAccumulator {
  private readonly tokens = new Map<number, TokenEntry>();
  private readonly ids: number[] = [];
  private readonly acceptLengths: number[] = [];
  private targetPasses = 0;
  private draftPasses = 0;
  private drafted = 0;
  private accepted = 0;
  private sawDraft = false;
  private lastCallEnd = 0;
  private finish: 'eos' | 'length' | undefined;
  private footer: Extract<TraceRecord, { type: 'footer' }> | undefined;

  add(r: TraceRecord): void {
    switch (r.type) {
      case 'tokens':
        for (const e of r.entries) this.tokens.set(e.id, e);
        break;
      case 'model_call':
        if (r.model === 'target') this.targetPasses++;
        else this.draftPasses++;
        this.lastCallEnd = Math.max(this.lastCallEnd, r.startMs + r.durationMs);
        break;
      case 'commit':
        for (const t of r.tokens) this.ids.push(t.id);
        this.acceptLengths.push(r.tokens.length);
        if (r.finish) this.finish = r.finish;
        break;
      case 'draft':
        this.sawDraft = true;
        this.drafted += r.nodes.length;
        break;
      case 'verify':
        this.accepted += r.acceptedLength;
        break;
      case 'footer':
        this.footer = r;
        break;
      default:
        break;
    }
  }

  text(): string {
    let out = '';
    let bytes: number[] = [];
    for (const id of this.ids) {
      const e = this.tokens.get(id);
      if (e?.bytes) bytes.push(...e.bytes);
      else {
        out += bytesToFaithfulText(bytes) + (e ? e.text : `<unk:${id}>`);
        bytes = [];
      }
    }
    return out + bytesToFaithfulText(bytes);
  }

  /** wallMs: the run's measured wall time when known (the engine passes it); otherwise the footer's or the model-call span. */
  result(opts: { wallMs?: number; status?: 'completed' | 'cancelled' | 'error' } = {}): Summary {
    const status = opts.status ?? this.footer?.status;
    const wallMs = opts.wallMs ?? this.footer?.summary.wallMs ?? this.lastCallEnd;
    const newTokens = this.ids.length;
    const finishReason: Summary['finishReason'] =
      status === 'cancelled' ? 'cancelled' : status === 'error' ? 'error' : (this.finish ?? (status === 'completed' ? 'length' : 'cancelled'));
    return {
      text: this.text(),
      tokenIds: [...this.ids],
      newTokens,
      targetForwardPasses: this.targetPasses,
      draftForwardPasses: this.draftPasses,
      acceptLengths: [...this.acceptLengths],
      tau: this.targetPasses > 0 ? newTokens / this.targetPasses : 0,
      acceptanceRate: this.sawDraft && this.drafted > 0 ? this.accepted / this.drafted : null,
      wallMs,
      tokensPerSecond: wallMs > 0 ? (newTokens * 1000) / wallMs : 0,
      finishReason,
    };
  }
}

/** Summary of a whole trace (or of the complete records of a truncated one). */
export function summarize(records: Iterable<TraceRecord>, opts: { wallMs?: number; status?: 'completed' | 'cancelled' | 'error' } = {}): Summary {
  const acc = new SummaryAccumulator();
  for (const r of records) acc.add(r);
  return acc.result(opts);
}
