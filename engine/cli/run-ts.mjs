#!/usr/bin/env node
// Runs a TypeScript file from the checkout through tsx's loader (no build step): `node engine/cli/run-ts.mjs file.ts args…`.
import { register } from 'tsx/esm/api';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node engine/cli/run-ts.mjs FILE.ts [ARGS…]\n');
  process.exit(2);
}
register();
// The script sees its own arguments as process.argv.slice(2), as if run directly.
process.argv = [process.argv[0], resolve(file), ...rest];
await import(pathToFileURL(resolve(file)).href);
