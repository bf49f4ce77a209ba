import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../scripts/find-electron.mjs';

const dir = mkdtempSync(join(tmpdir(), 'ds-electron-bin-'));

describe('findElectronBinary (file checks only)', () => {
  it('uses ELECTRON_EXEC_PATH when it names a file, and says why not when it does not', () => {
    const exe = join(dir, 'electron');
    writeFileSync(exe, '#!/bin/sh\n');
    chmodSync(exe, 0o755);
    expect(findElectronBinary({ ELECTRON_EXEC_PATH: exe })).toEqual({ path: exe });
    const missing = findElectronBinary({ ELECTRON_EXEC_PATH: join(dir, 'nope') });
    expect(missing.path).toBeNull();
    expect(missing.reason).toContain('ELECTRON_EXEC_PATH');
  });

  it('looks under ELECTRON_OVERRIDE_DIST_PATH using the package path.txt name', () => {
    const dist = join(dir, 'dist');
    mkdirSync(dist, { recursive: true });
    const found = findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist });
    expect(found.path).toBeNull();
    expect(found.reason).toContain(dist);
    writeFileSync(join(dist, 'electron'), '');
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ path: join(dist, 'electron') });
  });

  it('reports the missing download in node_modules/electron without running anything of it', () => {
    const result = findElectronBinary({});
    if (result.path === null) {
      expect(result.reason).toMatch(/no binary at .*node_modules\/electron\/dist\/electron/);
      expect(result.reason).toContain('install-electron');
    } else {
      // A machine that has the binary: it is the one electron's path.txt names.
      const rel = readFileSync(join('node_modules', 'electron', 'path.txt'), 'utf8').trim();
      expect(result.path.endsWith(rel)).toBe(true);
    }
  });
});
