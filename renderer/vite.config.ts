import { build, defineConfig, type LogLevel, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * After the app, the single-file viewer that "Export as HTML" fills (renderer/vite.viewer.config.ts), so every
 * way of building the renderer (npm run build:renderer, npm start's rebuild) leaves both in out/renderer.
 */
function alsoBuildViewer(): Plugin {
  let logLevel: LogLevel | undefined;
  return {
    name: 'decodescope-also-build-viewer',
    apply: 'build',
    configResolved(config) {
      logLevel = config.logLevel;
    },
    async closeBundle(error?: Error) {
      if (error) return;
      await build({ configFile: fileURLToPath(new URL('./vite.viewer.config.ts', import.meta.url)), logLevel });
    },
  };
}

// The renderer is served from app:// in Electron and from http://127.0.0.1 in web mode, so every URL is relative.
export default defineConfig({
  root,
  base: './',
  plugins: [react(), alsoBuildViewer()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  // The bundled demo traces live in assets/demo and the trace schema in engine/trace.
  server: { fs: { allow: [repoRoot] } },
});
