/**
 * Streaming trace writer (Node): JSON Lines, optionally gzip (chosen by a `.gz` extension), plus a binary
 * sidecar for large tensors when asked for.
 *
 * Writes are synchronous and happen only at step boundaries (a `commit`; the header, notes and the footer are
 * written at once), so a crash or kill leaves a file whose complete lines all parse: a truncated-but-readable
 * trace that lacks at most the last flush interval (250 ms by default). Batching keeps a fast greedy run from
 * paying one system call per token. Gzip output is a series of gzip members (one per flush), which every gunzip
 * reads as one stream; members are cut less often (64 KiB / 1 s), so compression stays good.
 *
 * Non-finite numbers: JSON has no -Infinity; JSON.stringify writes it as null, which is what the schema expects
 * for masked logits. NaN also becomes null (and then fails validation where null is not allowed, as it should).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TraceRecord, TensorRef } from './schema';
import { SidecarWriter, sidecarPathFor } from './sidecar';
import { recordJson } from './record-json';
import type { TensorData } from './tensor-codec';

export interface TraceWriterOptions {
  /** Default: by extension (`.gz`). */
  gzip?: boolean;
  /** Open a sidecar for tensors (its name is recorded in the header). Default false. */
  sidecar?: boolean;
  /** Flush at a step boundary once this many bytes are buffered. Default 32 KiB (gzip: 64 KiB). */
  flushBytes?: number;
  /** …or once this much time has passed since the last flush. Default 250 ms (gzip: 1000 ms). */
  flushIntervalMs?: number;
}

const FLUSH_TYPES = new Set(['header', 'commit', 'note', 'footer']);

export class TraceWriter {
  readonly gzip: boolean;
  readonly sidecar: SidecarWriter | null;
  private fd: number | null;
  /** Pending lines, UTF-8 encoded straight into one reused buffer (no per-flush join or Buffer allocation). */
  private buffer: Buffer;
  private bufferedBytes = 0;
  private lastFlush = Date.now();
  private records = 0;
  private readonly chunkBytes: number;
  private readonly intervalMs: number;

  constructor(readonly path: string, options: TraceWriterOptions = {}) {
    this.gzip = options.gzip ?? path.endsWith('.gz');
    this.sidecar = options.sidecar ? new SidecarWriter(sidecarPathFor(path)) : null;
    this.chunkBytes = options.flushBytes ?? (this.gzip ? 64 * 1024 : 32 * 1024);
    this.intervalMs = options.flushIntervalMs ?? (this.gzip ? 1000 : 250);
    this.buffer = Buffer.allocUnsafe(this.chunkBytes + 64 * 1024);
    this.fd = openSync(path, 'w');
  }

  /** Number of records written so far. */
  get count(): number {
    return this.records;
  }

  /** Appends one record. Usable directly as an engine `onRecord` callback: `(r) => writer.write(r)`. */
  write(record: TraceRecord): void {
    if (this.fd === null) throw new Error(`trace writer for ${this.path} is closed`);
    let line: string;
    if (record.type === 'header' && this.sidecar && record.sidecar === undefined) {
      line = JSON.stringify({ ...record, sidecar: basename(this.sidecar.path) });
    } else {
      line = recordJson(record);
    }
    // UTF-8 needs at most 3 bytes per UTF-16 unit; a record never leaves the buffer half written.
    const room = line.length * 3 + 1;
    if (this.buffer.length - this.bufferedBytes < room) this.grow(room);
    this.bufferedBytes += this.buffer.write(line, this.bufferedBytes);
    this.buffer[this.bufferedBytes++] = 10; // '\n'
    this.records++;
    if (FLUSH_TYPES.has(record.type)) this.flushIfDue(record.type !== 'commit');
  }

  /** Stores a tensor in the sidecar; the caller puts the returned ref in a `tensor` record. */
  writeTensor(name: string, data: TensorData, shape: readonly number[]): TensorRef {
    if (!this.sidecar) throw new Error(`trace writer for ${this.path} was opened without a sidecar`);
    return this.sidecar.append(name, data, shape);
  }

  private flushIfDue(force: boolean): void {
    if (force) return this.flush();
    if (this.bufferedBytes >= this.chunkBytes || Date.now() - this.lastFlush >= this.intervalMs) this.flush();
  }

  /** Makes room for `bytes` more without flushing (writes stay at step boundaries). */
  private grow(bytes: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.bufferedBytes + bytes));
    this.buffer.copy(next, 0, 0, this.bufferedBytes);
    this.buffer = next;
  }

  /** Writes everything buffered to the file now. */
  flush(): void {
    if (this.fd === null || this.bufferedBytes === 0) return;
    const pending = this.buffer.subarray(0, this.bufferedBytes);
    this.bufferedBytes = 0;
    this.lastFlush = Date.now();
    const bytes = this.gzip ? gzipSync(pending) : pending;
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(this.fd, bytes, written);
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    this.sidecar?.close();
  }
}

/** Opens a writer; `using`-style helper for scripts: the file is closed even when `fn` throws. */
export async function withTraceWriter<T>(path: string, options: TraceWriterOptions, fn: (w: TraceWriter) => Promise<T>): Promise<T> {
  const writer = new TraceWriter(path, options);
  try {
    return await fn(writer);
  } finally {
    writer.close();
  }
}
