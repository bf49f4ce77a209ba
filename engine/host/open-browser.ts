/** Opens a URL in the user's browser when there is one to open and we are not in CI; silent otherwise. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

export function browserOpener(): string | undefined {
  if (process.env.CI) return undefined;
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'win32') return undefined;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  return onPath('xdg-open') ? 'xdg-open' : undefined;
}

export function openInBrowser(url: string, log: (message: string) => void): boolean {
  const opener = browserOpener();
  if (!opener) return false;
  try {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
    child.on('error', (error) => log(`could not open a browser: ${error.message}`));
    child.unref();
    return true;
  } catch (error) {
    log(`could not open a browser: ${String(error)}`);
    return false;
  }
}
