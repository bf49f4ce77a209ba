/** `decodescope export --format html` on real demo traces: plain and gzip input, and the refusals' messages. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildHtmlExport } from '../../engine/cli/commands/export-html';
import { readTraceFile } from '../../engine/trace/read-file';
import { TRACE_BLOCK_ID, escapeJsonForScript } from '../../engine/trace/export-html';
import { singleFileHtml } from '../../renderer/vite.viewer.config';

const ROOT = join(__dirname, '../..');
const DEMO = join(ROOT, 'assets/demo/greedy.trace.jsonl');

/** A minimal built viewer (the real one needs the vite build, which runs after the unit tests). */
function writeTemplate(dir: string): string {
  const page = singleFileHtml(
    `<html><head><meta http-equiv="Content-Security-Policy" content="" /><title>x</title><script type="module" src="./v.js"></script></head>` +
      `<body><script type="application/json" id="decodescope-export"></script><script type="application/json" id="${TRACE_BLOCK_ID}"></script></body></html>`,
    (f) => (f === 'v.js' ? 'console.log(1)' : undefined),
  );
  const path = join(dir, 'viewer.html');
  writeFileSync(path, page);
  return path;
}

describe('export --format html', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-html-'));
  const template = writeTemplate(dir);

  it('inlines the trace exactly as stored, gzip undone, and reports the sizes', async () => {
    const gz = join(dir, 'greedy.trace.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(DEMO)));
    const page = buildHtmlExport(gz, await readTraceFile(gz), new Date('2026-11-28T00:00:00Z'), template);
    expect(page.html).toContain(`id="${TRACE_BLOCK_ID}">${escapeJsonForScript(readFileSync(DEMO, 'utf8'))}</script>`);
    expect(page.html).toContain('<title>autoregressive · greedy — Decodescope</title>');
    expect(page.notes[0]).toMatch(/^\d+ KB: viewer \d+ (B|KB) \+ trace \d+ KB$/);
  });

  it('refuses a trace the viewer would refuse, naming the line', async () => {
    const lines = readFileSync(DEMO, 'utf8').split('\n');
    lines[2] = lines[2]!.replace(/"step":\d+/, '"step":"two"');
    const bad = join(dir, 'bad.trace.jsonl');
    writeFileSync(bad, lines.join('\n'));
    await expect(readTraceFile(bad).then((t) => buildHtmlExport(bad, t, new Date(), template))).rejects.toThrow(/invalid record.*line 3.*decodescope validate/);
  });

  it('says how to build the viewer when it is missing', async () => {
    await expect(readTraceFile(DEMO).then((t) => buildHtmlExport(DEMO, t, new Date(), join(dir, 'nope.html')))).rejects.toThrow(
      /HTML viewer is not built .*npm run build:renderer/,
    );
  });
});
