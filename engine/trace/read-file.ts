/**
 * Node-only trace file access: plain or gzip JSON Lines (gzip recognised by its magic bytes, whatever the
 * extension). A gzip stream cut off mid-write still yields every byte that was flushed before the cut.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip, constants as zlibConstants } from 'node:zlib';
import type { Readable } from 'node:stream';
import { TraceParser, type ParsedTrace, type ReadOptions } from './reader';

function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    const n = readSync(fd, magic, 0, 2, 0);
    return n === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Reads a trace file. Throws only for file-system problems (missing file, permissions); content problems are in the result. */
export async function readTraceFile(path: string, options: ReadOptions = {}): Promise<ParsedTrace> {
  const gzip = isGzipFile(path);
  const file = createReadStream(path);
  if (!gzip) return readTraceStream(file, options);
  // Z_SYNC_FLUSH as the finishing flush: a truncated stream ends quietly instead of with "unexpected end of file".
  const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
  file.on('error', (e) => gunzip.destroy(e));
  const parsed = await readTraceStream(file.pipe(gunzip), options).catch((e: unknown) => {
    const parser = new TraceParser(options);
    const result = parser.end();
    result.fatal = `${path}: cannot decompress: ${e instanceof Error ? e.message : String(e)}`;
    return result;
  });
  return parsed;
}

/** Reads a trace from any byte stream (stdin, a socket, a gunzip pipe). */
export async function readTraceStream(stream: Readable, options: ReadOptions = {}): Promise<ParsedTrace> {
  const parser = new TraceParser(options);
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true }));
  }
  parser.push(decoder.decode());
  return parser.end();
}
