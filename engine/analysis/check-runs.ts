/**
 * One decoding run for the lossless check: through the ordinary runner (startRun), keeping only what the
 * comparison needs — the committed token ids, their text, the target passes and (for a greedy baseline) the
 * processed top-k behind each committed token. Cancellation arrives as an AbortSignal.
 */
import { startRun, type RunController } from '../runner/start-run';
import type { RunRequest } from '../protocol/messages';
import type { TopKEntry, TraceRecord } from '../trace/schema';

export class LosslessCheckCancelled extends Error {
  constructor() {
    super('lossless check cancelled');
    this.name = 'LosslessCheckCancelled';
  }
}

export interface CheckRun {
  ids: number[];
  /** Token text by id, from the trace's token dictionary. */
  texts: Map<number, string>;
  targetPasses: number;
  /** The header's method variant: which form of the method ran (e.g. "typical acceptance (lossy, …)"). */
  variant?: string;
  /** Per committed token: the processed top-k of the distribution it was chosen from (only when asked for). */
  topk?: (readonly TopKEntry[] | undefined)[];
}

export interface CheckRunOptions {
  signal?: AbortSignal;
  /** Keep each committed token's processed top-k (the greedy baseline, to size a divergence). */
  keepTopk?: boolean;
  /** Remembers finished runs by request, so a baseline is decoded once per check (or per caller's cache). */
  cache?: Map<string, CheckRun>;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LosslessCheckCancelled();
}

export async function checkRun(request: RunRequest, options: CheckRunOptions = {}): Promise<CheckRun> {
  throwIfAborted(options.signal);
  const key = options.cache ? JSON.stringify([request, Boolean(options.keepTopk)]) : '';
  const cached = options.cache?.get(key);
  if (cached) return cached;

  const ids: number[] = [];
  const distIds: (string | undefined)[] = [];
  const texts = new Map<number, string>();
  const dists = new Map<string, readonly TopKEntry[]>();
  const where = `${request.method} on ${JSON.stringify(request.prompt)}`;
  // A request the method refuses (a greedy-only method asked to sample, a missing capability) names the method.
  const refused = (error: unknown) => new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  let variant: string | undefined;
  const onRecord = (record: TraceRecord): void => {
    if (record.type === 'header') variant = record.method.variant;
    else if (record.type === 'commit') {
      for (const t of record.tokens) {
        ids.push(t.id);
        distIds.push(t.distId);
      }
    } else if (record.type === 'tokens') {
      for (const e of record.entries) texts.set(e.id, e.text);
    } else if (record.type === 'distribution' && options.keepTopk) {
      dists.set(record.distId, record.processed.topk);
    }
  };
  let controller: RunController;
  try {
    // Top-k lists only feed the trace's records; the baseline keeps 20 to size a divergence, the rest keep few.
    controller = startRun(request, onRecord, { topk: options.keepTopk ? 20 : 3 });
  } catch (error) {
    throw refused(error);
  }
  const onAbort = () => controller.cancel();
  options.signal?.addEventListener('abort', onAbort);
  let footer;
  try {
    footer = await controller.done;
  } catch (error) {
    throw refused(error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (footer.status === 'cancelled') throw new LosslessCheckCancelled();
  if (footer.status === 'error') throw new Error(`${where}: ${footer.error ?? 'run failed'}`);
  const run: CheckRun = {
    ids,
    texts,
    targetPasses: footer.summary.targetForwardPasses,
    ...(variant ? { variant } : {}),
    ...(options.keepTopk ? { topk: distIds.map((d) => (d === undefined ? undefined : dists.get(d))) } : {}),
  };
  options.cache?.set(key, run);
  return run;
}
