/**
 * A trace from a real run of the engine on the bundled target (a sampled run, so it has processor stages,
 * RNG draws and sampled choices), made once per test process.
 */
import { startRun } from '../../engine/index';
import type { RunRequest } from '../../engine/protocol/messages';
import type { TraceRecord } from '../../engine/trace/schema';
import { toJsonl } from './synthetic-trace';

export const SAMPLED_REQUEST: RunRequest = {
  method: 'autoregressive',
  prompt: 'def parse_args(argv):',
  params: { max_new_tokens: 12, do_sample: true, temperature: 0.8, top_k: 40, top_p: 0.9, seed: 7 },
};

export const GREEDY_REQUEST: RunRequest = {
  method: 'autoregressive',
  prompt: 'import os\n',
  params: { max_new_tokens: 10, do_sample: false },
};

export async function realRun(request: RunRequest): Promise<TraceRecord[]> {
  const records: TraceRecord[] = [];
  const run = startRun(request, (r) => records.push(r));
  await run.done;
  return records;
}

let sampled: Promise<string> | null = null;
/** JSON Lines text of a real sampled run. */
export function realTraceText(): Promise<string> {
  sampled ??= realRun(SAMPLED_REQUEST).then(toJsonl);
  return sampled;
}
