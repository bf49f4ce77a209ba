/**
 * `npm run bench [-- --reps N --tokens N --warmup N --only id,id]`: runs every registered section and writes
 * the results as markdown to stdout and to bench/results/latest.md (and the raw numbers to latest.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { allSections, type BenchConfig, type SectionResult } from './registry';
import { machineLine, sectionMarkdown } from './report';
// Sections register themselves on import; add new ones here.
import './engine-vs-bare';
import './jacobi';
import './speculative';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    reps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    tokens: { type: 'string', default: '64' },
    prompt: { type: 'string', default: 'def read_config(path):' },
    only: { type: 'string' },
  },
});
const positive = (name: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (name === 'warmup' ? 0 : 1)) {
    process.stderr.write(`bench: --${name} must be a positive integer, got '${raw}'\n`);
    process.exit(2);
  }
  return n;
};
const config: BenchConfig = {
  reps: positive('reps', values.reps!),
  warmup: positive('warmup', values.warmup!),
  tokens: positive('tokens', values.tokens!),
  prompt: values.prompt!,
  log: (m) => process.stderr.write(`${m}\n`),
};
const only = values.only?.split(',').map((s) => s.trim());
const sections = allSections().filter((s) => !only || only.includes(s.id));
if (only && sections.length !== only.length) {
  process.stderr.write(`bench: unknown section in --only (known: ${allSections().map((s) => s.id).join(', ')})\n`);
  process.exit(2);
}

const header = [`## Decodescope benchmark`, '', `${machineLine()}. ${new Date().toISOString()}.`, ''];
const results: SectionResult[] = [];
const parts: string[] = [];
for (const section of sections) {
  config.log(`== ${section.title}`);
  const result = await section.run(config);
  results.push(result);
  parts.push(sectionMarkdown(result));
}
const markdown = [...header, ...parts].join('\n');
process.stdout.write(markdown);
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.md'), markdown);
writeFileSync(join(outDir, 'latest.json'), JSON.stringify({ config: { ...config, log: undefined }, results }, null, 2) + '\n');
