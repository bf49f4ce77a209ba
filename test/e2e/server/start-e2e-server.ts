/**
 * Starts the real web host (engine/host/web-server.ts) on the built renderer and the real bundled
 * model, for the Playwright web project. Same code path as `decodescope serve`, with a known port and
 * token so the tests can build URLs (and a deliberately wrong one).
 */
import { fileURLToPath } from 'node:url';
import { startWebServer } from '../../../engine/host/web-server';
import { E2E_PORT, E2E_TOKEN } from './e2e-env';

const rendererDir = fileURLToPath(new URL('../../../out/renderer', import.meta.url));
const server = await startWebServer({ port: E2E_PORT, host: '127.0.0.1', rendererDir, token: E2E_TOKEN, log: (m) => console.error(m) });
console.log(`e2e server at ${server.url}`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
