/**
 * The single-file HTML export without a browser: the build step (inline JS/CSS, CSP with the script hash)
 * and the export step (trace into a data block that `</script>`, `<!--` and U+2028 cannot break out of).
 * test/e2e/html-export.spec.ts opens real exported pages in Chromium.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineScripts, singleFileHtml, viewerCsp } from '../../renderer/vite.viewer.config';
import {
  EXPORT_INFO_BLOCK_ID,
  TRACE_BLOCK_ID,
  ViewerTemplateError,
  escapeJsonForScript,
  exportInfoFor,
  exportNote,
  fillViewerTemplate,
  parseExportInfo,
} from '../../engine/trace/export-html';
import { parseTraceText } from '../../renderer/src/trace/parse-trace';

const ROOT = join(__dirname, '../..');
const NASTY = 'a</script><script>alert(1)</script>\u2028b\u2029<!-- <script> & </SCRIPT >';

/** What Vite emits for the viewer entry, before the plugin runs. */
const VITE_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'" />
    <title>Decodescope replay</title>
    <script type="module" crossorigin src="./assets/viewer-abc.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/viewer-def.css">
  </head>
  <body>
    <div id="root"></div>
    <script type="application/json" id="decodescope-export"></script>
    <script type="application/json" id="decodescope-trace"></script>
  </body>
</html>`;
const BUNDLE: Record<string, string> = {
  'assets/viewer-abc.js': 'const s = "</script>"; const re = /<\\/script>/u; document.title = s + re.source;',
  'assets/viewer-def.css': 'body{color:red}',
};

function builtPage(): string {
  return singleFileHtml(VITE_PAGE, (f) => BUNDLE[f]);
}

/** The browser's rule for a script element's text: everything up to the first `</script`, case-insensitive. */
function scriptBlockText(html: string, id: string): string {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  expect(start).toBeGreaterThan(0);
  const from = start + open.length;
  return html.slice(from, html.toLowerCase().indexOf('</script', from));
}

function cspOf(html: string): string {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
}

function demoWithNastyPrompt(): string {
  const lines = readFileSync(join(ROOT, 'assets/demo/greedy.trace.jsonl'), 'utf8').trimEnd().split('\n');
  const header = JSON.parse(lines[0]!) as { prompt: { text: string } };
  header.prompt.text = NASTY;
  return [JSON.stringify(header), ...lines.slice(1)].join('\n') + '\n';
}

describe('single-file viewer build', () => {
  it('inlines the script and stylesheet and allows exactly that script by its sha256', () => {
    const page = builtPage();
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(page).toContain('<style>body{color:red}</style>');
    const scripts = inlineScripts(page);
    expect(scripts).toHaveLength(1);
    // `</script` inside the code was written as `<\/script`, which means the same to JS.
    expect(scripts[0]).toBe(BUNDLE['assets/viewer-abc.js']!.replace('"</script>"', '"<\\/script>"'));
    const hash = createHash('sha256').update(scripts[0]!, 'utf8').digest('base64');
    expect(cspOf(page)).toBe(viewerCsp([hash]));
    expect(cspOf(page)).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]{44}';/);
    expect(cspOf(page)).toContain("connect-src 'none'");
    expect(cspOf(page)).not.toContain('unsafe-eval');
    // The module script moves after the data blocks, which the export finds before any script.
    expect(page.indexOf('<script type="module">')).toBeGreaterThan(page.indexOf(`id="${TRACE_BLOCK_ID}"`));
  });

  it('refuses a bundle it cannot inline safely, and a page that still loads a file', () => {
    expect(() => singleFileHtml(VITE_PAGE, (f) => (f.endsWith('.js') ? 'let a = "<!--";' : 'x{}'))).toThrow(/<!--/);
    expect(() => singleFileHtml(VITE_PAGE, () => undefined)).toThrow(/not in the bundle/);
    expect(() => singleFileHtml(VITE_PAGE.replace('</head>', '<link rel="icon" href="x.png"></head>'), (f) => BUNDLE[f])).toThrow(/external file/);
  });

  const builtViewer = join(ROOT, 'out/renderer/viewer.html');
  it.skipIf(!existsSync(builtViewer))('the built viewer (out/renderer/viewer.html) is one page whose CSP matches its script', () => {
    const page = readFileSync(builtViewer, 'utf8');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/fonts|@import/);
    const hashes = inlineScripts(page).map((s) => createHash('sha256').update(s, 'utf8').digest('base64'));
    expect(hashes).toHaveLength(1);
    expect(cspOf(page)).toBe(viewerCsp(hashes));
  });
});

describe('filling the viewer with a trace', () => {
  it('escapes JSON so no < > & U+2028 U+2029 is left, and it still parses to the same value', () => {
    const json = JSON.stringify({ text: NASTY });
    const safe = escapeJsonForScript(json);
    expect(safe).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(safe)).toEqual({ text: NASTY });
  });

  it('puts a real trace with </script>, <!-- and U+2028 in its text into a data block the browser reads back intact', () => {
    const jsonl = demoWithNastyPrompt();
    const info = exportInfoFor({ method: { name: 'greedy' } }, 'fib <b>&.trace.jsonl', new Date('2026-11-28T12:00:00Z'));
    const html = fillViewerTemplate(builtPage(), jsonl, info);

    const block = scriptBlockText(html, TRACE_BLOCK_ID);
    expect(block).not.toContain('<');
    const opened = parseTraceText(block, 'exported');
    expect(opened.records[0]).toMatchObject({ type: 'header', prompt: { text: NASTY } });
    expect(opened.records).toHaveLength(jsonl.trimEnd().split('\n').length);
    expect(parseExportInfo(scriptBlockText(html, EXPORT_INFO_BLOCK_ID))).toEqual(info);

    // The data blocks are not executed: the page's hash still matches its one script.
    const hashes = inlineScripts(html).map((s) => createHash('sha256').update(s, 'utf8').digest('base64'));
    expect(cspOf(html)).toBe(viewerCsp(hashes));
    expect(html).toContain('<title>greedy · fib &#60;b&#62;&#38; — Decodescope</title>');
  });

  it('notes what the page leaves out', () => {
    const info = exportInfoFor({ method: { name: 'beam' }, sidecar: 'run.bin' }, 'run.trace.jsonl', new Date('2026-11-28T12:00:00Z'));
    expect(exportNote(info)).toBe('exported from Decodescope · 2026-11-28 · beam · attention maps not included');
    expect(parseExportInfo('{"method":1}')).toBeNull();
    expect(parseExportInfo('not json')).toBeNull();
  });

  it('says to rebuild when the template lacks its blocks or its network-forbidding policy', () => {
    const info = exportInfoFor({ method: { name: 'greedy' } }, 'x');
    const page = builtPage();
    expect(() => fillViewerTemplate(page.replace(`id="${TRACE_BLOCK_ID}"`, 'id="other"'), '{}\n', info)).toThrow(ViewerTemplateError);
    expect(() => fillViewerTemplate(page.replace(`id="${TRACE_BLOCK_ID}"`, 'id="other"'), '{}\n', info)).toThrow(/npm run build:renderer/);
    expect(() => fillViewerTemplate(VITE_PAGE.replace("default-src 'none'", "default-src 'self'"), '{}\n', info)).toThrow(/Content-Security-Policy/);
  });
});
