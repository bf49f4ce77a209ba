/**
 * The single-file viewer: the renderer built as ONE HTML page (JS and CSS inline, CSP with the script's
 * hash, no demos, no run controls) that an export fills with a trace. Written next to the app as
 * out/renderer/viewer.html, so web mode and app:// serve it to the "Export as HTML" command unchanged,
 * and the CLI reads it from there. `vite build --config renderer/vite.config.ts` builds it too.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const demosModule = fileURLToPath(new URL('./src/demos.ts', import.meta.url));
const noDemosModule = fileURLToPath(new URL('./src/export/no-demos.ts', import.meta.url));

// The plugin's string work is exported for test/renderer/html-export.test.ts. It lives in this file
// because vite's config loader warns about extensionless local imports.

/** The policy of an exported page: nothing may be fetched; the one inline module script runs by hash. */
export function viewerCsp(scriptHashes: readonly string[]): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    ['script-src', scriptHashes.map((h) => `'sha256-${h}'`)],
    // React and d3 set style attributes, and the stylesheet is inline.
    ['style-src', ["'unsafe-inline'"]],
    // PNG/SVG export of the view goes through data:/blob: images.
    ['img-src', ['data:', 'blob:']],
    ['connect-src', ["'none'"]],
    ['font-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** sha256 (base64) of a script's text exactly as the browser sees it between the tags. */
export function scriptHash(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('base64');
}

/** The text of every inline executable script (not JSON data blocks), in document order. */
export function inlineScripts(html: string): string[] {
  const out: string[] = [];
  const open = /<script(\s[^>]*)?>/gi;
  let m: RegExpExecArray | null;
  while ((m = open.exec(html))) {
    const attrs = m[1] ?? '';
    const start = m.index + m[0].length;
    const end = html.toLowerCase().indexOf('</script', start);
    if (end < 0) break;
    if (!/\bsrc=/.test(attrs) && !/type="application\/json"/.test(attrs)) out.push(html.slice(start, end));
    open.lastIndex = end;
  }
  return out;
}

/**
 * Code made safe to sit between <script> tags: `</script` cannot end the element early (`<\/` means the
 * same in strings, template literals and regular expressions). `<!--` would switch the HTML parser into
 * its escaped-script state; the bundle is checked for it rather than rewritten, since no rewrite is valid
 * in every JS context.
 */
export function escapeInlineCode(code: string, tag: 'script' | 'style'): string {
  const safe = code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
  if (tag === 'script' && safe.includes('<!--')) throw new Error('single-file viewer: the bundle contains "<!--", which cannot be inlined safely');
  return safe;
}

/** Inlines the built chunk and stylesheet into the HTML page and sets the CSP meta. */
export function singleFileHtml(html: string, read: (fileName: string) => string | undefined): string {
  let page = html.replace(/\s*<link rel="stylesheet"[^>]*href="\.?\/?([^"]+)"[^>]*>/g, (_all, file: string) => {
    const css = read(file);
    if (css === undefined) throw new Error(`single-file viewer: stylesheet ${file} is not in the bundle`);
    return `\n<style>${escapeInlineCode(css, 'style')}</style>`;
  });
  // Vite puts the entry script in <head>; it goes to the end of <body> instead, after the data blocks the
  // export fills (a module script runs after parsing either way, and the export looks for them before it).
  const scripts: string[] = [];
  page = page.replace(/\s*<script type="module"[^>]*src="\.?\/?([^"]+)"[^>]*><\/script>/g, (_all, file: string) => {
    const js = read(file);
    if (js === undefined) throw new Error(`single-file viewer: script ${file} is not in the bundle`);
    scripts.push(`<script type="module">${escapeInlineCode(js, 'script')}</script>`);
    return '';
  });
  if (!page.includes('</body>')) throw new Error('single-file viewer: the page has no </body>');
  page = page.replace('</body>', () => `${scripts.join('\n')}\n</body>`);
  if (/<link[^>]+href=|<script[^>]+src=/.test(page)) throw new Error('single-file viewer: the page still refers to an external file');
  const hashes = inlineScripts(page).map(scriptHash);
  if (hashes.length === 0) throw new Error('single-file viewer: no inline script was produced');
  const marker = /<meta http-equiv="Content-Security-Policy" content="[^"]*"\s*\/?>/;
  if (!marker.test(page)) throw new Error('single-file viewer: the page has no Content-Security-Policy meta to fill');
  return page.replace(marker, () => `<meta http-equiv="Content-Security-Policy" content="${viewerCsp(hashes)}" />`);
}

/** The vite plugin: after bundling, one HTML file is left and every other output is dropped. */
export function singleFilePlugin(pageName: string): Plugin {
  return {
    name: 'decodescope-single-file',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const page = bundle[pageName];
      if (!page || page.type !== 'asset') throw new Error(`single-file viewer: ${pageName} was not built`);
      const used = new Set<string>();
      const read = (file: string): string | undefined => {
        const item = bundle[file];
        if (!item) return undefined;
        used.add(file);
        return item.type === 'chunk' ? item.code : typeof item.source === 'string' ? item.source : new TextDecoder().decode(item.source);
      };
      page.source = singleFileHtml(String(page.source), read);
      const chunks = Object.values(bundle).filter((b) => b.type === 'chunk');
      if (chunks.length !== 1 || !used.has(chunks[0]!.fileName)) {
        throw new Error(`single-file viewer: expected one inlined JS chunk, got ${chunks.map((c) => c.fileName).join(', ')}`);
      }
      for (const file of Object.keys(bundle)) if (file !== pageName) delete bundle[file];
    },
  };
}

/** The bundled demo traces (~2.4 MB of text) stay out: an exported page carries only its own trace. */
function withoutDemos(): Plugin {
  return {
    name: 'decodescope-viewer-without-demos',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!/(^|\/)demos$/.test(source)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === demosModule ? noDemosModule : null;
    },
  };
}

export default defineConfig({
  root,
  base: './',
  mode: 'viewer',
  plugins: [withoutDemos(), react(), singleFilePlugin('viewer.html')],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    // The app build (same folder) runs first and must survive.
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    cssCodeSplit: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    modulePreload: false,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: {
      input: fileURLToPath(new URL('./viewer.html', import.meta.url)),
      output: { codeSplitting: false },
    },
  },
});
