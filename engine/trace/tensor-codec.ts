/**
 * Sidecar tensor encoding shared by writer (Node) and readers (Node and browser): little-endian, packed,
 * each tensor 8-byte aligned so typed-array views need no copy on little-endian machines.
 */
import type { TensorRef } from './schema';

export type TensorDtype = TensorRef['dtype'];
export type TensorData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

export const DTYPE_BYTES: Record<TensorDtype, number> = { float32: 4, float16: 2, int64: 8, int32: 4 };
export const SIDECAR_ALIGN = 8;

export function dtypeOf(data: TensorData): TensorDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Uint16Array) return 'float16';
  if (data instanceof BigInt64Array) return 'int64';
  return 'int32';
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A view (or copy, when unaligned) of a tensor's bytes from the sidecar as the matching typed array. */
export function decodeTensor(sidecar: Uint8Array, ref: TensorRef): TensorData {
  const expected = elementCount(ref.shape) * DTYPE_BYTES[ref.dtype];
  if (ref.byteLength !== expected) {
    throw new Error(`tensor ${ref.name}: byteLength ${ref.byteLength} does not match shape [${ref.shape}] of ${ref.dtype}`);
  }
  if (ref.offset + ref.byteLength > sidecar.byteLength) {
    throw new Error(`tensor ${ref.name}: bytes ${ref.offset}..${ref.offset + ref.byteLength} lie beyond the sidecar (${sidecar.byteLength} bytes)`);
  }
  let bytes = sidecar.subarray(ref.offset, ref.offset + ref.byteLength);
  if ((sidecar.byteOffset + ref.offset) % DTYPE_BYTES[ref.dtype] !== 0) bytes = bytes.slice();
  const n = elementCount(ref.shape);
  switch (ref.dtype) {
    case 'float32':
      return new Float32Array(bytes.buffer, bytes.byteOffset, n);
    case 'float16':
      return new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    case 'int64':
      return new BigInt64Array(bytes.buffer, bytes.byteOffset, n);
    case 'int32':
      return new Int32Array(bytes.buffer, bytes.byteOffset, n);
  }
}
