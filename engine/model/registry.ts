/**
 * Where models come from: the bundled ones in assets/models/<id> (ids are folder names) or any folder path.
 * Loaded models are cached by folder, so every run after the first reuses the sessions.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelInfo } from '../protocol/messages';
import { loadModelFolder, type LoadedModel } from './loader';
import { ModelLoadError } from './errors';
import { findPrimaryOnnx } from './files';

export const BUNDLED_IDS = ['target', 'draft', 'draft-bytes'] as const;

const DESCRIPTIONS: Record<string, string> = {
  target: 'Bundled target model (small Llama-style decoder trained on Python source)',
  draft: 'Bundled draft model (same tokenizer as the target)',
  'draft-bytes': 'Bundled byte-level draft model (different tokenizer)',
};

let modelsDirOverride: string | null = null;

/** Lets a host point at another models folder (packaged apps keep models outside asar). */
export function setBundledModelsDir(dir: string | null): void {
  modelsDirOverride = dir;
}

export function bundledModelsDir(): string {
  if (modelsDirOverride) return modelsDirOverride;
  if (process.env.DECODESCOPE_MODELS_DIR) return resolve(process.env.DECODESCOPE_MODELS_DIR);
  try {
    return resolve(dirname(fileURLToPath(import.meta.url)), '../../assets/models');
  } catch {
    return resolve(process.cwd(), 'assets/models');
  }
}

function isModelFolder(dir: string): boolean {
  return existsSync(join(dir, 'tokenizer.json')) && findPrimaryOnnx(dir) !== null;
}

const cache = new Map<string, Promise<LoadedModel>>();

/** A bundled id ("target") or a folder/.onnx path. */
export function loadModel(spec: string = 'target'): Promise<LoadedModel> {
  const bundledDir = join(bundledModelsDir(), spec);
  const isBundled = /^[\w.-]+$/.test(spec) && existsSync(bundledDir) && statSync(bundledDir).isDirectory();
  if (!isBundled && /^[\w.-]+$/.test(spec) && !existsSync(resolve(spec))) {
    const known = bundledIds();
    return Promise.reject(new ModelLoadError(`unknown model '${spec}': not a bundled model (${known.join(', ') || 'none installed'}) and not a folder`, spec));
  }
  const path = isBundled ? bundledDir : resolve(spec);
  let p = cache.get(path);
  if (!p) {
    p = loadModelFolder(path, isBundled ? { id: spec, bundled: true, description: DESCRIPTIONS[spec] ?? `Bundled model ${spec}` } : {});
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return p;
}

function bundledIds(): string[] {
  const dir = bundledModelsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => isModelFolder(join(dir, d)))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function rank(id: string): number {
  const i = (BUNDLED_IDS as readonly string[]).indexOf(id);
  return i < 0 ? BUNDLED_IDS.length : i;
}

export function toModelInfo(m: LoadedModel): ModelInfo {
  return { id: m.id, path: m.path, bundled: m.bundled, ...(m.description ? { description: m.description } : {}), manifest: m.manifest };
}

/** Every bundled model that is installed, with its manifest. */
export async function listBundledModels(): Promise<ModelInfo[]> {
  const out: ModelInfo[] = [];
  for (const id of bundledIds()) out.push(toModelInfo(await loadModel(id)));
  return out;
}

/** Loads (or reuses) a model and describes it; errors name the file at fault. */
export async function inspectModel(spec: string): Promise<ModelInfo> {
  return toModelInfo(await loadModel(spec));
}

/** Drops cached sessions (tests; a host reloading a folder that changed on disk). */
export function clearModelCache(): void {
  cache.clear();
}
