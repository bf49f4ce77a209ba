/**
 * The binary sidecar next to a trace (`run.jsonl` → `run.bin`): large tensors (attention maps, hidden states)
 * appended as raw little-endian bytes and referenced from `tensor` records by offset, dtype and shape.
 * Created only when the first tensor arrives, so runs that record none leave no file behind.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TensorRef } from './schema';
import { DTYPE_BYTES, SIDECAR_ALIGN, decodeTensor, dtypeOf, elementCount, type TensorData } from './tensor-codec';

/** `trace.jsonl.gz` → `trace.bin`, in the same folder. */
export function sidecarPathFor(tracePath: string): string {
  const name = basename(tracePath).replace(/\.gz$/, '').replace(/\.jsonl?$/, '');
  return join(dirname(tracePath), `${name}.bin`);
}

export class SidecarWriter {
  private fd: number | null = null;
  private offset = 0;

  constructor(readonly path: string) {}

  /** Appends a tensor and returns its reference. */
  append(name: string, data: TensorData, shape: readonly number[]): TensorRef {
    if (elementCount(shape) !== data.length) {
      throw new Error(`tensor ${name}: shape [${shape}] has ${elementCount(shape)} elements, data has ${data.length}`);
    }
    if (this.fd === null) this.fd = openSync(this.path, 'w');
    const pad = (SIDECAR_ALIGN - (this.offset % SIDECAR_ALIGN)) % SIDECAR_ALIGN;
    if (pad > 0) {
      writeSync(this.fd, new Uint8Array(pad));
      this.offset += pad;
    }
    const dtype = dtypeOf(data);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length * DTYPE_BYTES[dtype]);
    const ref: TensorRef = { name, dtype, shape: [...shape], offset: this.offset, byteLength: bytes.byteLength };
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(this.fd, bytes, written);
    this.offset += bytes.byteLength;
    return ref;
  }

  get written(): boolean {
    return this.fd !== null;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Reads tensors back from a sidecar file. */
export class SidecarReader {
  private readonly bytes: Uint8Array;
  constructor(readonly path: string) {
    this.bytes = new Uint8Array(readFileSync(path));
  }
  read(ref: TensorRef): TensorData {
    return decodeTensor(this.bytes, ref);
  }
}
