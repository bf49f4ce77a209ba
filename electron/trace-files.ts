/**
 * Reading trace files for the renderer (dialogs, drops, recent files, the command line) and
 * recognising them in argv. Node only; no electron import, so it is unit-testable.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { OpenedTrace } from './bridge-api';

export const TRACE_EXTENSION = '.trace.jsonl';
const MAX_TRACE_BYTES = 256 * 1024 * 1024;

export function isTraceFileName(path: string): boolean {
  return /\.jsonl(\.gz)?$/i.test(path);
}

export async function readTraceFile(path: string): Promise<OpenedTrace> {
  const full = resolve(path);
  const info = statSync(full, { throwIfNoEntry: false });
  if (!info || !info.isFile()) throw new Error(`${full}: no such file`);
  if (info.size > MAX_TRACE_BYTES) throw new Error(`${full}: ${info.size} bytes is more than the ${MAX_TRACE_BYTES}-byte limit`);
  let bytes = await readFile(full);
  if (full.toLowerCase().endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_TRACE_BYTES });
    } catch (error) {
      throw new Error(`${full}: not a readable gzip file (${(error as Error).message})`);
    }
  }
  return { name: basename(full), path: full, text: bytes.toString('utf8') };
}

/**
 * Trace paths among command-line arguments (file association, `decodescope-app file.trace.jsonl`,
 * a second instance's argv). Flags and non-existent paths are skipped.
 */
export function traceFilesInArgv(argv: readonly string[], cwd: string): string[] {
  return argv
    .filter((arg) => !arg.startsWith('-') && isTraceFileName(arg))
    .map((arg) => resolve(cwd, arg))
    .filter((path) => existsSync(path));
}
