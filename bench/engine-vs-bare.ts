/**
 * Section "greedy": the engine with full tracing (every record built and written to a trace file) against a
 * bare onnxruntime-node greedy loop and against transformers.js `generate`, same model, same session options,
 * same prompt ids, same number of new tokens. All three must produce the same token ids (checked).
 * Goals (issue 3): engine ≥ 0.95× bare, engine ≥ 1.0× transformers.js.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun, loadModel, bundledModelsDir } from '../engine/index';
import { TraceWriter } from '../engine/trace/writer';
import { BareGreedy } from './bare-greedy';
import { TransformersJsGreedy } from './transformers-js';
import { interleaved, measure, registerSection, type BenchConfig, type SectionResult } from './registry';

const MODEL_ID = 'target';

async function run(config: BenchConfig): Promise<SectionResult> {
  const model = await loadModel(MODEL_ID);
  const promptIds = model.tokenizer.encode(config.prompt);
  const m = model.manifest;
  const eos: number[] = [];
  const modelFile = join(bundledModelsDir(), MODEL_ID, 'onnx/model.onnx');
  const bare = await BareGreedy.open(modelFile, m.numLayers, m.numKvHeads, m.headDim);
  const tjs = await TransformersJsGreedy.open(bundledModelsDir(), MODEL_ID);
  const dir = mkdtempSync(join(tmpdir(), 'ds-bench-'));
  const ids: Record<string, number[]> = {};

  // No EOS stop anywhere (eos_token_id: []), so every contender makes exactly `tokens` tokens.
  const cpuTps: Record<'engine' | 'records' | 'bare' | 'tjs', number[]> = { engine: [], records: [], bare: [], tjs: [] };
  let warm = config.warmup * 4;
  const timedRun = (key: keyof typeof cpuTps, fn: () => Promise<number>) => async (): Promise<number> => {
    const m = await measure(fn);
    if (warm > 0) warm--;
    else cpuTps[key].push(m.cpuTps);
    return m.tps;
  };
  // A fresh file per run, removed after its timing: reopening one with truncation costs the file system
  // milliseconds (ext4, a few hundred KiB of dirty pages), which is no part of tracing a run.
  let runNumber = 0;
  const request = { method: 'autoregressive', prompt: config.prompt, params: { max_new_tokens: config.tokens, do_sample: false, eos_token_id: [] } };
  const engineOnce = timedRun('engine', async () => {
    const writer = new TraceWriter(join(dir, `bench-${runNumber++}.jsonl`));
    const controller = startRun(request, (r) => writer.write(r));
    const footer = await controller.done;
    writer.close();
    ids.engine = footer.summary.tokenIds;
    return footer.summary.newTokens;
  });
  // The same run with every record built but none serialised or written: splits the engine's cost in two.
  const recordsOnce = timedRun('records', async () => {
    const controller = startRun(request, () => {});
    const footer = await controller.done;
    ids.records = footer.summary.tokenIds;
    return footer.summary.newTokens;
  });
  const engineThenClean = async (): Promise<number> => {
    const tps = await engineOnce();
    rmSync(join(dir, `bench-${runNumber - 1}.jsonl`), { force: true });
    return tps;
  };
  const bareOnce = timedRun('bare', async () => {
    ids.bare = await bare.generate(promptIds, config.tokens, eos);
    return ids.bare.length;
  });
  const tjsOnce = timedRun('tjs', async () => {
    ids.tjs = await tjs.generate(promptIds, config.tokens);
    return ids.tjs.length;
  });

  config.log(`greedy: ${config.tokens} new tokens, prompt ${promptIds.length} tokens; engine / engine without writing / bare / transformers.js`);
  // This section carries the goals and a repetition takes a fraction of a second: four times the reps.
  const reps = config.reps * 4;
  const [engineTps, recordsTps, bareTps, tjsTps] = await interleaved([engineThenClean, recordsOnce, bareOnce, tjsOnce], config.warmup, reps, config.log);
  await bare.release();
  await tjs.release();
  rmSync(dir, { recursive: true, force: true });

  const notes: string[] = [];
  const same = (a: number[] | undefined, b: number[] | undefined) => JSON.stringify(a) === JSON.stringify(b);
  notes.push(
    same(ids.engine, ids.bare) && same(ids.engine, ids.tjs) && same(ids.engine, ids.records)
      ? `All four produced the same ${ids.engine?.length} token ids.`
      : `TOKEN MISMATCH: engine ${JSON.stringify(ids.engine?.slice(0, 12))}…, bare ${JSON.stringify(ids.bare?.slice(0, 12))}…, transformers.js ${JSON.stringify(ids.tjs?.slice(0, 12))}…`,
  );
  notes.push('Timed: from the call to the last token (prefill included); the engine time includes building every trace record and writing the trace file. CPU: process CPU time (all threads) over the same span.');
  return {
    title: 'Greedy decoding: engine (full tracing) vs bare onnxruntime-node vs transformers.js',
    baseline: 'bare onnxruntime-node loop',
    contenders: [
      { name: 'bare onnxruntime-node loop', detail: 'KV cache, argmax in JS, no tracing', tokensPerSecond: bareTps, tokensPerCpuSecond: cpuTps.bare, tokens: config.tokens },
      { name: 'engine, full tracing', detail: 'autoregressive, top-20 distributions, trace written to disk', tokensPerSecond: engineTps, tokensPerCpuSecond: cpuTps.engine, tokens: config.tokens, goal: 0.95 },
      { name: 'engine, records not written', detail: 'the same run, every record built and handed to a sink that drops it (no JSON, no file)', tokensPerSecond: recordsTps, tokensPerCpuSecond: cpuTps.records, tokens: config.tokens },
      { name: 'transformers.js generate', detail: '@huggingface/transformers, local files, greedy', tokensPerSecond: tjsTps, tokensPerCpuSecond: cpuTps.tjs, tokens: config.tokens },
    ],
    extraRatios: [{ contender: 'engine, full tracing', reference: 'transformers.js generate', goal: 1.0 }],
    notes,
  };
}

registerSection({ id: 'greedy', title: 'Greedy: engine vs bare ORT vs transformers.js', run });
