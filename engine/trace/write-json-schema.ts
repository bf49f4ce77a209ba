// `npm run schema`: regenerates assets/schema/trace-1.schema.json from engine/trace/schema.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_PATH, traceJsonSchemaText } from './json-schema';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = resolve(root, JSON_SCHEMA_PATH);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, traceJsonSchemaText());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
