import { existsSync, readFileSync } from 'node:fs';
import { matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: string[];
  asar?: boolean;
  asarUnpack?: string[];
  npmRebuild?: boolean;
  extraResources?: Array<{ from: string; to: string; filter?: string[] }>;
  fileAssociations?: Array<{ ext: string; name?: string; mimeType?: string }>;
  linux?: { target?: Array<string | { target: string }>; mimeTypes?: string[] };
  deb?: { depends?: string[] };
}

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('Decodescope');
  });

  it('packages the built output and package.json, and the entry point is inside it', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(matchesGlob(pkg.main, 'out/**')).toBe(true);
  });

  it('keeps onnxruntime-node binaries out of asar and never rebuilds them', () => {
    expect(config.asar).toBe(true);
    const unpack = config.asarUnpack ?? [];
    const ortFiles = [
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
    ];
    for (const file of ortFiles) expect(unpack.some((glob) => matchesGlob(file, glob)), file).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });

  it("strips other platforms' onnxruntime binaries", () => {
    const exclusions = (config.files ?? []).filter((f) => f.startsWith('!') && f.includes('onnxruntime-node'));
    expect(exclusions.some((f) => f.includes('!(${platform})'))).toBe(true);
    expect(exclusions.some((f) => f.includes('!(${arch})'))).toBe(true);
  });

  it('ships the bundled models and demo traces as extraResources from folders that exist', () => {
    const resources = config.extraResources ?? [];
    const models = resources.find((r) => r.to === 'models');
    const demo = resources.find((r) => r.to === 'demo');
    expect(models?.from).toBe('assets/models');
    expect(demo?.from).toBe('assets/demo');
    for (const r of [models, demo]) expect(existsSync(r!.from), r!.from).toBe(true);
    // The training recipe's scratch folders are not part of the app.
    expect(models?.filter).toContain('!recipe/**');
  });

  it('builds AppImage and deb for Linux', () => {
    const targets = (config.linux?.target ?? []).map((t) => (typeof t === 'string' ? t : t.target));
    expect(targets).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['libnss3', 'libgtk-3-0']));
  });

  it('associates the trace extension with the app', () => {
    const association = config.fileAssociations?.find((a) => a.ext === 'trace.jsonl');
    expect(association).toBeDefined();
    expect(association?.mimeType).toBe('application/x-decodescope-trace');
    expect(config.linux?.mimeTypes).toContain(association?.mimeType);
  });
});
