/**
 * Helpers for engine tests on the real bundled models: a RunContext built the way startRun builds one (real
 * sessions, emitter, gate and recorded RNG), and plain runs through startRun.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startRun } from '../../engine/index';
import { loadModel } from '../../engine/model/registry';
import { TraceEmitter } from '../../engine/trace/emitter';
import { ControlGate } from '../../engine/runner/gate';
import { RecordingRng, ReplayRng } from '../../engine/logits/rng';
import { effectiveParams, processorConfig } from '../../engine/runner/params';
import type { RunContext } from '../../engine/strategies/context';
import type { GenerationParams, TraceRecord } from '../../engine/trace/schema';

export const MODELS_DIR = join(__dirname, '../../assets/models');
export const haveModels = existsSync(join(MODELS_DIR, 'target/onnx/model.onnx')) && existsSync(join(MODELS_DIR, 'draft/onnx/model.onnx'));

/** Twenty code prompts (the bundled models are trained on Python source); none ends in whitespace. */
export const PROMPTS = [
  'def add(a, b):',
  'import os\nimport sys',
  'class Foo:\n    def __init__(self):',
  'for i in range(10):',
  'def main():\n    parser = argparse.ArgumentParser(',
  'if __name__ == "__main__":',
  'try:\n    import threading',
  'def __repr__(self):\n    return',
  'with open(filename) as f:',
  'raise ValueError(',
  '    def close(self):\n        if self._closed:',
  'return self._data[key]',
  '"""Utilities for',
  'def _check_arg(arg, name):',
  'while True:\n        line =',
  'self.assertEqual(',
  'elif isinstance(value, str):',
  'except KeyError:\n            raise',
  'lambda x:',
  '# Copyright',
];

export async function runRecords(method: string, prompt: string, params: GenerationParams, opts: { replayDraws?: number[]; draft?: string } = {}): Promise<TraceRecord[]> {
  const records: TraceRecord[] = [];
  const c = startRun({ method, prompt, params, ...(opts.draft ? { draft: opts.draft } : {}) }, (r) => records.push(r), opts.replayDraws ? { replayDraws: opts.replayDraws } : {});
  const footer = await c.done;
  if (footer.status !== 'completed') throw new Error(`${method} on ${JSON.stringify(prompt)}: ${footer.status} ${footer.error ?? ''}`);
  return records;
}

export function committedIds(records: readonly TraceRecord[]): number[] {
  return records.flatMap((r) => (r.type === 'commit' ? r.tokens.map((t) => t.id) : []));
}

/** A RunContext like startRun's, for driving building blocks directly. */
export async function makeContext(prompt: string, params: GenerationParams, withDraft = true): Promise<{ ctx: RunContext; records: TraceRecord[] }> {
  const model = await loadModel('target');
  const draft = withDraft ? await loadModel('draft') : undefined;
  const records: TraceRecord[] = [];
  const emitter = new TraceEmitter((r) => records.push(r), model.tokenizer.display);
  const full = effectiveParams(params, model);
  const ctx: RunContext = {
    model,
    ...(draft ? { draft } : {}),
    emitter,
    params: full,
    processors: processorConfig(full),
    rng: new RecordingRng(full.seed!, (u, purpose) => emitter.rngDraw(u, purpose)),
    gate: new ControlGate(() => {}, false),
    promptIds: model.tokenizer.encode(prompt),
    eos: new Set(full.eos_token_id ?? []),
    forced: new Map(),
    maxNewTokens: full.max_new_tokens,
    record: { attentions: false, hiddenStates: false },
    topk: 20,
  };
  return { ctx, records };
}

export { ReplayRng };
