#!/usr/bin/env node
// The `decodescope` command: a small shim that loads the TypeScript CLI through tsx's loader, so it runs
// straight from the checkout (`npx decodescope …`, `npm run decodescope -- …`) without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
