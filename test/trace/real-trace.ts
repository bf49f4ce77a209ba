/**
 * A trace from a real run of the engine on the bundled target (a sampled run, so it has processor stages,
 * RNG draws and sampled choices), made once per test process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

interface EngineApi {
  startRun(request: RunRequest, onRecord: (r: TraceRecord) => void): { done: Promise<unknown> };
}

// Resolved at run time so this helper compiles before engine/index.ts lands.
const ENGINE_MODULE = '../../engine/index';

let engine: Promise<EngineApi | null> | null = null;
function loadEngine(): Promise<EngineApi | null> {
  engine ??= import(/* @vite-ignore */ ENGINE_MODULE).then(
    (m) => m as EngineApi,
    (e: unknown) => {
      if (!/Cannot find module|Failed to load|does not provide/.test(String(e))) throw e;
      console.warn('engine/index not available yet: using the hand-built fixture trace instead of a real run');
      return null;
    },
  );
  return engine;
}

export async function realRun(request: RunRequest): Promise<TraceRecord[] | null> {
  const api = await loadEngine();
  if (!api) return null;
  const records: TraceRecord[] = [];
  const run = api.startRun(request, (r) => records.push(r));
  await run.done;
  return records;
}

let sampled: Promise<string> | null = null;
/** JSON Lines text of a real sampled run (or the committed fixture while the engine is not there). */
export function realTraceText(): Promise<string> {
  sampled ??= realRun(SAMPLED_REQUEST).then((records) =>
    records ? toJsonl(records) : readFileSync(join(__dirname, '../fixtures/traces/greedy-small.trace.jsonl'), 'utf8'),
  );
  return sampled;
}
