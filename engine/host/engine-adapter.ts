/**
 * Adapts the real engine (engine/index.ts) to the host's EngineFacade. Loaded lazily by the hosts,
 * so the web server can refuse strangers without ever loading onnxruntime.
 */
import * as engine from '../index';
import { checkLossless } from '../analysis/lossless-check';
import type { EngineFacade, HostedRun } from './engine-facade';

export async function loadEngine(): Promise<EngineFacade> {
  return {
    listModels: async () => engine.listBundledModels(),
    listMethods: async () => engine.listMethods(),
    inspectModel: async (path) => engine.inspectModel(path),
    tokenize: async (text, model) => engine.tokenize(text, model),
    async startRun(request, hooks): Promise<HostedRun> {
      return engine.startRun(request, hooks.onRecord, { onState: hooks.onState });
    },
    checkLossless: (request, options) => checkLossless({ ...request, ...(options.onProgress ? { onProgress: options.onProgress } : {}) }, options.signal),
  };
}
