#!/usr/bin/env node
/**
 * Bundles the Electron side with esbuild into out/electron/:
 *   main.cjs     the main process (electron external)
 *   preload.cjs  the sandboxed preload (one CJS file; it may only require electron)
 *   engine.cjs   the engine utilityProcess (engine/host/utility-entry.ts + the whole engine),
 *                onnxruntime-node external: its native binding is loaded by a dynamic require
 *                and ships unpacked from asar.
 * The renderer is built separately by vite into out/renderer/.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const defaultOutDir = join(root, 'out', 'electron');

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
};

// The engine resolves bundled files from import.meta.url; in a CJS bundle that becomes this file's URL.
const importMetaShim = {
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

export const ENGINE_EXTERNALS = ['electron', 'onnxruntime-node', 'onnxruntime-common'];

/** `outDir` lets tests build a private copy (inside the repo, so node_modules still resolves). */
export async function buildElectron({ outDir = defaultOutDir } = {}) {
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  await Promise.all([
    build({
      ...common,
      ...importMetaShim,
      entryPoints: ['electron/main.ts'],
      outfile: join(outDir, 'main.cjs'),
      platform: 'node',
      target: 'node22',
      external: ['electron'],
    }),
    build({
      ...common,
      entryPoints: ['electron/preload.ts'],
      outfile: join(outDir, 'preload.cjs'),
      platform: 'browser',
      target: 'chrome140',
      external: ['electron'],
    }),
    build({
      ...common,
      ...importMetaShim,
      entryPoints: ['engine/host/utility-entry.ts'],
      outfile: join(outDir, 'engine.cjs'),
      platform: 'node',
      target: 'node22',
      external: ENGINE_EXTERNALS,
    }),
  ]);
  return Date.now() - started;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildElectron().then(
    (ms) => console.log(`built out/electron (main.cjs, preload.cjs, engine.cjs) in ${ms} ms`),
    (error) => {
      console.error(`build-electron: ${error.message}`);
      process.exit(1);
    },
  );
}
