/** The run controller: validation, pause / resume / single step / cancel between forward passes. */
import { describe, expect, it } from 'vitest';
import { startRun, RunRequestError, type RunController } from '../../engine/runner/start-run';
import type { TraceRecord } from '../../engine/trace/schema';
import { ofType, runToEnd } from './helpers/run';

const prompt = 'def fibonacci(n):';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('run requests', () => {
  it('names the field of an invalid request', () => {
    expect(() => startRun({ method: 'autoregressive', prompt, params: { do_sample: false } } as never, () => {})).toThrow(/params\.max_new_tokens/);
    expect(() => startRun({ method: 'autoregressive', prompt, params: { max_new_tokens: 4, do_sample: false, top_p: 2 } }, () => {})).toThrow(/params\.top_p/);
    expect(() => startRun({ method: 'nope', prompt, params: { max_new_tokens: 4, do_sample: false } }, () => {})).toThrow(RunRequestError);
    expect(() => startRun({ method: 'nope', prompt, params: { max_new_tokens: 4, do_sample: false } }, () => {})).toThrow(/method: unknown method 'nope'/);
  });

  it('refuses num_beams > 1 for a method that decodes one sequence instead of silently ignoring it', () => {
    expect(() => startRun({ method: 'autoregressive', prompt, params: { max_new_tokens: 4, do_sample: true, num_beams: 3 } }, () => {})).toThrow(
      /params\.num_beams: 3 beams need a beam method \(beam_search\); method autoregressive decodes one sequence/,
    );
    const c = startRun({ method: 'beam_search', prompt, params: { max_new_tokens: 2, do_sample: false, num_beams: 2 } }, () => {});
    const one = startRun({ method: 'autoregressive', prompt, params: { max_new_tokens: 2, do_sample: false, num_beams: 1 } }, () => {});
    return Promise.all([c.done, one.done]);
  });

  it('rejects done with a message naming the model when it cannot be loaded', async () => {
    const c = startRun({ method: 'autoregressive', prompt, params: { max_new_tokens: 4, do_sample: false }, model: '/nonexistent/model' }, () => {});
    await expect(c.done).rejects.toThrow(/model folder not found: \/nonexistent\/model/);
  });

  it('records (and keeps) a prompt that ends in whitespace', async () => {
    const r = await runToEnd({ method: 'autoregressive', prompt: 'def f(x): ', params: { max_new_tokens: 2, do_sample: false } });
    expect(ofType(r.records, 'header')[0]!.prompt.text).toBe('def f(x): ');
    expect(ofType(r.records, 'note').some((n) => n.kind === 'prompt')).toBe(true);
  });
});

describe('run control', () => {
  it('pauses within one forward pass, resumes, and cancels', async () => {
    const records: TraceRecord[] = [];
    const states: string[] = [];
    let ctrl: RunController | null = null;
    let callsAtPause = -1;
    ctrl = startRun({ method: 'autoregressive', prompt, params: { max_new_tokens: 60, do_sample: false } }, (r) => {
      records.push(r);
      if (r.type === 'commit' && r.step === 1) {
        ctrl!.pause();
        callsAtPause = ofType(records, 'model_call').length;
      }
    }, { onState: (s) => states.push(s) });
    await sleep(50);
    while (callsAtPause < 0) await sleep(20);
    await sleep(200);
    expect(ctrl.state).toBe('paused');
    // At most the pass already under way when pause arrived.
    expect(ofType(records, 'model_call').length - callsAtPause).toBeLessThanOrEqual(1);
    const frozen = records.length;
    await sleep(100);
    expect(records.length).toBe(frozen);
    ctrl.resume();
    while (ofType(records, 'commit').length < 6) await sleep(5);
    ctrl.cancel();
    const footer = await ctrl.done;
    expect(footer.status).toBe('cancelled');
    expect(footer.summary.finishReason).toBe('cancelled');
    expect(footer.summary.newTokens).toBeLessThan(60);
    expect(ctrl.state).toBe('done');
    expect(states).toEqual(['paused', 'running']);
    expect(ofType(records, 'note').map((n) => n.kind)).toEqual(['pause', 'resume']);
  });

  it('starts paused and runs exactly one step per step()', async () => {
    const records: TraceRecord[] = [];
    const ctrl = startRun({ method: 'autoregressive', prompt, params: { max_new_tokens: 5, do_sample: false }, startPaused: true }, (r) => records.push(r));
    await sleep(300);
    expect(ctrl.state).toBe('paused');
    expect(ofType(records, 'model_call').length).toBe(0);
    ctrl.step();
    while (ofType(records, 'commit').length < 1) await sleep(5);
    await sleep(100);
    expect(ofType(records, 'commit').length).toBe(1);
    expect(ctrl.state).toBe('paused');
    ctrl.step();
    while (ofType(records, 'commit').length < 2) await sleep(5);
    await sleep(100);
    expect(ofType(records, 'commit').length).toBe(2);
    ctrl.resume();
    const footer = await ctrl.done;
    expect(footer.status).toBe('completed');
    expect(footer.summary.newTokens).toBeGreaterThanOrEqual(2);
  });

  it('cancels a paused run', async () => {
    const ctrl = startRun({ method: 'autoregressive', prompt, params: { max_new_tokens: 5, do_sample: false }, startPaused: true }, () => {});
    await sleep(200);
    ctrl.cancel();
    expect((await ctrl.done).status).toBe('cancelled');
  });
});

describe('tensor recording', () => {
  it('records attentions and hidden states through the tensor sink, one tensor record per output', async () => {
    const stored: { name: string; shape: readonly number[]; data: Float32Array }[] = [];
    let offset = 0;
    const r = await runToEnd(
      { method: 'autoregressive', prompt, params: { max_new_tokens: 3, do_sample: false }, record: { attentions: true, hiddenStates: true } },
      {
        sidecarName: 'run.bin',
        tensorSink: (name, data, shape) => {
          stored.push({ name, shape, data });
          const ref = { name, dtype: 'float32' as const, shape: [...shape], offset, byteLength: data.byteLength };
          offset += data.byteLength;
          return ref;
        },
      },
    );
    expect(r.footer.status).toBe('completed');
    const header = ofType(r.records, 'header')[0]!;
    expect(header.sidecar).toBe('run.bin');
    const m = header.models[0]!.manifest;
    const calls = ofType(r.records, 'model_call');
    const tensors = ofType(r.records, 'tensor');
    expect(tensors.length).toBe(calls.length * (m.numLayers + m.numLayers + 1));
    const firstAttn = stored.find((s) => s.name === `c${calls[0]!.callId}.attentions.0`)!;
    const promptLen = header.prompt.tokenIds.length;
    expect(firstAttn.shape).toEqual([1, m.numHeads, promptLen, promptLen]);
    // Each attention row is a probability distribution over the visible keys.
    let rowSum = 0;
    for (let k = 0; k < promptLen; k++) rowSum += firstAttn.data[(promptLen - 1) * promptLen + k]!;
    expect(rowSum).toBeCloseTo(1, 4);
    // The greedy tokens are the same with or without the instrumented graph.
    const plain = await runToEnd({ method: 'autoregressive', prompt, params: { max_new_tokens: 3, do_sample: false } });
    expect(r.footer.summary.tokenIds).toEqual(plain.footer.summary.tokenIds);
  });
});
