import ort from 'onnxruntime-node';
import { ModelLoadError } from './errors';

/**
 * Session settings. On 2 busy cores two sessions (target + draft) with ORT's spinning intra-op threads starve each
 * other, so spinning is off by default; the thread count can be raised with DECODESCOPE_THREADS.
 */
export interface SessionSettings {
  intraOpNumThreads: number;
  allowSpinning: boolean;
}

export function defaultSessionSettings(): SessionSettings {
  const env = Number(process.env.DECODESCOPE_THREADS);
  return { intraOpNumThreads: Number.isInteger(env) && env > 0 ? env : 1, allowSpinning: process.env.DECODESCOPE_SPIN === '1' };
}

export async function openOnnxSession(path: string, displayName: string, settings = defaultSessionSettings()): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: settings.intraOpNumThreads,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: settings.allowSpinning ? '1' : '0' } } },
    });
  } catch (err) {
    const msg = String((err as Error).message ?? err).replace(/\s+/g, ' ').trim();
    if (/protobuf|parse|INVALID_PROTOBUF|Load model/i.test(msg) && !/external/i.test(msg)) {
      throw new ModelLoadError(`${displayName}: not a valid ONNX model file (onnxruntime: ${msg})`, displayName);
    }
    throw new ModelLoadError(`${displayName}: onnxruntime cannot load it: ${msg}`, displayName);
  }
}

export const onnxruntimeVersion = (): string => ort.env.versions?.node ?? 'unknown';
