/**
 * Finds the Electron binary by file checks only. Never require('electron') or run `npx electron`:
 * since Electron 42 both download the binary on first use, which hangs or fails offline.
 * Order: $ELECTRON_EXEC_PATH, then node_modules/electron's path.txt under dist/ (or under
 * $ELECTRON_OVERRIDE_DIST_PATH).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const isExecutableFile = (path) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** @returns {{ path: string, reason?: undefined } | { path: null, reason: string }} */
export function findElectronBinary(env = process.env) {
  if (env.ELECTRON_EXEC_PATH) {
    return isExecutableFile(env.ELECTRON_EXEC_PATH)
      ? { path: env.ELECTRON_EXEC_PATH }
      : { path: null, reason: `ELECTRON_EXEC_PATH=${env.ELECTRON_EXEC_PATH} is not a file` };
  }
  let packageDir;
  try {
    // Resolving package.json only locates the folder; nothing of electron's runs.
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron package is not installed (npm ci)' };
  }
  const pathTxt = join(packageDir, 'path.txt');
  const relative = existsSync(pathTxt)
    ? readFileSync(pathTxt, 'utf8').trim()
    : process.platform === 'linux'
      ? 'electron'
      : process.platform === 'win32'
        ? 'electron.exe'
        : 'Electron.app/Contents/MacOS/Electron';
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const binary = join(distDir, relative);
  if (isExecutableFile(binary)) return { path: binary };
  return {
    path: null,
    reason: `no binary at ${binary} (electron ${readVersion(packageDir)} downloads it on first use; ` +
      'run `npx install-electron --no` with network access, or set ELECTRON_EXEC_PATH)',
  };
}

function readVersion(packageDir) {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}
