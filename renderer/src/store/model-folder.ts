/**
 * Loading a model folder the user chose (typed into the run panel, or picked with the Electron menu's
 * "Open model folder…"): the engine inspects it, the model joins the model list, and the caller selects it.
 * A folder the engine cannot load leaves the list and the selection as they were.
 */
import type { ModelInfo } from '../../../engine/protocol/messages';
import { engineClient } from './live-run';
import { appStore } from './store';

/** Window event carrying a folder path chosen outside the toolbar (the Electron menu). */
export const MODEL_FOLDER_EVENT = 'decodescope:model-folder';

export async function inspectModelFolder(path: string): Promise<ModelInfo | null> {
  const s = appStore.getState();
  const client = engineClient();
  const folder = path.trim();
  if (!folder) return null;
  if (!client || s.transport === 'offline') {
    s.showToast('error', 'No engine is connected, so model folders cannot be loaded here.');
    return null;
  }
  try {
    const info = await client.inspectModel(folder);
    const models = appStore.getState().models;
    appStore.getState().setEngine({ models: [...models.filter((m) => m.id !== info.id && m.path !== info.path), info] });
    appStore.getState().showToast('info', `Loaded the model folder ${info.path}`);
    return info;
  } catch (e) {
    appStore.getState().showToast('error', `That folder is not a model Decodescope can load: ${(e as Error).message}`);
    return null;
  }
}

/** The model select's value for a model: bundled models by id, folders by path. */
export function modelChoice(info: ModelInfo): string {
  return info.bundled ? info.id : info.path;
}
