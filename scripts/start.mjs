#!/usr/bin/env node
/**
 * `npm start`: the desktop app when an Electron binary is installed, otherwise web mode.
 *   node scripts/start.mjs [--web] [--port N] [--no-open] [trace files…]
 * Web mode builds the renderer when out/renderer is missing or older than its sources, serves it
 * with the engine on 127.0.0.1 and prints the URL with its token.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findElectronBinary } from './find-electron.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rendererOut = join(root, 'out', 'renderer');
const require = createRequire(import.meta.url);

const { values, positionals } = parseArgs({
  options: {
    web: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    'no-open': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: true,
});

if (values.help) {
  process.stdout.write(
    'Usage: npm start -- [--web] [--port N] [--no-open] [trace files…]\n' +
      '  Opens the Decodescope desktop app; without an installed Electron binary (or with --web)\n' +
      '  serves the same UI on http://127.0.0.1 and prints its address.\n',
  );
  process.exit(0);
}

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** The renderer imports the trace schema and the protocol, so those count as its sources too. */
function rendererIsStale() {
  const built = join(rendererOut, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['renderer', 'engine/trace', 'engine/protocol', 'package-lock.json'].map((p) => newestMtime(join(root, p)));
  return Math.max(...sources) > statSync(built).mtimeMs;
}

function buildRenderer() {
  const config = join(root, 'renderer', 'vite.config.ts');
  if (!existsSync(config)) fail(`cannot build the UI: ${config} is missing`);
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  console.log('Building the UI (vite)…');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail('the UI build failed (see above)');
}

function port() {
  const n = Number(values.port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`--port: expected an integer in 0..65535, got ${values.port}`);
  return n;
}

async function startElectron(binary) {
  if (rendererIsStale()) buildRenderer();
  const { buildElectron } = await import('./build-electron.mjs');
  await buildElectron();
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // Chromium refuses its sandbox as root (containers, CI); the renderer is still sandboxed by Electron's policy.
  const extra = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const userCwd = process.env.INIT_CWD ?? process.cwd();
  const traces = positionals.map((p) => resolve(userCwd, p));
  const child = spawn(binary, [root, ...extra, ...traces], { cwd: root, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

async function startWeb() {
  if (rendererIsStale()) buildRenderer();
  const { tsImport } = await import('tsx/esm/api');
  const { startWebServer } = await tsImport('../engine/host/web-server.ts', import.meta.url);
  const server = await startWebServer({
    port: port(),
    host: '127.0.0.1',
    rendererDir: rendererOut,
    open: !values['no-open'],
    log: (message) => console.error(message),
  });
  console.log(`Decodescope (web mode) is serving at ${server.url}`);
  console.log('Loopback only; the token in the address is required. Ctrl+C stops.');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const electron = values.web ? { path: null, reason: '--web given' } : findElectronBinary();
if (electron.path) {
  await startElectron(electron.path);
} else {
  console.log(`Electron binary not found (${electron.reason}); starting web mode instead.`);
  await startWeb();
}
