/**
 * Browser-first end-to-end tests. 'web': Debian Chromium against the real web host and the real
 * bundled model. 'electron': specs that launch the desktop shell (they skip themselves, with the
 * reason, when no Electron binary is installed).
 */
import { defineConfig } from '@playwright/test';
import { E2E_ORIGIN, E2E_PORT } from './server/e2e-env';

const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export default defineConfig({
  testDir: '.',
  outputDir: '../../test-results/e2e',
  // Generous: CI machines with two busy cores load the app and the model slowly.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  webServer: {
    command: 'node --import tsx test/e2e/server/start-e2e-server.ts',
    cwd: '../..',
    url: `${E2E_ORIGIN}/healthz`,
    reuseExistingServer: !process.env.CI,
    // Generous: the shared CI cores may be busy (the server itself starts in about a second).
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { DECODESCOPE_E2E_PORT: String(E2E_PORT) },
  },
  projects: [
    {
      name: 'web',
      testIgnore: [/electron\.spec\.ts/, /perf\//],
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        acceptDownloads: true,
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
      },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts/, workers: 1 },
  ],
});
