/**
 * For the Electron Playwright project: the binary (found by file checks only; see
 * scripts/find-electron.mjs) and the environment to launch it with.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, type ElectronBinary } from '../../scripts/find-electron.mjs';

export { findElectronBinary, type ElectronBinary };

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The test runner's environment minus what would turn Electron into plain Node. */
export function electronLaunchEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  return { ...env, ...extra };
}

/** Electron flags for this machine: root (containers, CI) cannot use Chromium's sandbox. */
export function electronArgs(): string[] {
  return ['--no-sandbox', '--disable-gpu'];
}
