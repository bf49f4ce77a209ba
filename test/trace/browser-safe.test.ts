// The renderer imports the trace core; it must not pull in node: modules (or anything else Node-only).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const BROWSER_SAFE = [
  'engine/trace/reader.ts',
  'engine/trace/validate.ts',
  'engine/trace/indexer.ts',
  'engine/trace/export-perfetto.ts',
  'engine/trace/export-hf.ts',
  'engine/trace/trace-stats.ts',
  'engine/trace/tensor-codec.ts',
  'engine/trace/fork.ts',
];
const NODE_ONLY = /^(node:|fs$|path$|zlib$|os$|child_process$|onnxruntime-node)/;

/** Every module `file` imports, transitively, as repo-relative paths or bare package names. */
function imports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(ROOT, file), 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1];
    if (spec.startsWith('.')) imports(`${resolve('/', dirname(file), spec).slice(1)}.ts`, seen);
    else seen.add(spec);
  }
  return seen;
}

describe('browser-safe trace modules', () => {
  for (const file of BROWSER_SAFE) {
    it(`${file} imports nothing Node-only`, () => {
      const all = [...imports(file)];
      expect(all.filter((s) => NODE_ONLY.test(s))).toEqual([]);
      expect(all).toContain('engine/trace/schema.ts');
    });
  }
});
