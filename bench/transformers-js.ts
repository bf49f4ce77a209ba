/**
 * transformers.js `generate` on the same bundled model, offline (local files only), greedy, with the engine's
 * session options. It tokenizes nothing inside the timed part: input ids come in as a tensor.
 */
import { AutoModelForCausalLM, Tensor, env } from '@huggingface/transformers';
import { defaultSessionSettings } from '../engine/model/session';

export class TransformersJsGreedy {
  private constructor(private readonly model: Awaited<ReturnType<typeof AutoModelForCausalLM.from_pretrained>>) {}

  static async open(modelsDir: string, modelId: string): Promise<TransformersJsGreedy> {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
    const settings = defaultSessionSettings();
    const model = await AutoModelForCausalLM.from_pretrained(modelId, {
      dtype: 'fp32',
      device: 'cpu',
      local_files_only: true,
      session_options: {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: settings.intraOpNumThreads,
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: settings.allowSpinning ? '1' : '0' } } },
      },
    });
    return new TransformersJsGreedy(model);
  }

  async generate(promptIds: readonly number[], newTokens: number): Promise<number[]> {
    const input = new Tensor('int64', BigInt64Array.from(promptIds, BigInt), [1, promptIds.length]);
    const mask = new Tensor('int64', new BigInt64Array(promptIds.length).fill(1n), [1, promptIds.length]);
    const output = (await this.model.generate({ input_ids: input, attention_mask: mask, max_new_tokens: newTokens, do_sample: false } as never)) as Tensor;
    const ids = Array.from(output.data as BigInt64Array, Number);
    return ids.slice(promptIds.length);
  }

  async release(): Promise<void> {
    await this.model.dispose();
  }
}
