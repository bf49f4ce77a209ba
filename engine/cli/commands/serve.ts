import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { numberValue, parseCommand } from '../args';
import { SERVE_HELP } from '../help';

const RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    'serve',
    argv,
    { port: { type: 'string', short: 'p' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    0,
  );
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const port = numberValue(values, 'port', { integer: true, min: 0, max: 65535, describe: 'an integer port in 0..65535' });
  if (!existsSync(RENDERER_DIR)) throw new Error(`the web UI is not built (${RENDERER_DIR} is missing): run 'npm run build:renderer' first`);
  const { startWebServer } = await import('../../host/web-server');
  const server = await startWebServer({ port, host: '127.0.0.1', rendererDir: RENDERER_DIR, open: Boolean(values.open) });
  process.stdout.write(`Decodescope is serving at ${server.url}\n(loopback only; the token in the address is required. Ctrl+C stops.)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
