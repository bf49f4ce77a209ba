import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceWriter } from '../../engine/trace/writer';
import { SidecarReader, sidecarPathFor } from '../../engine/trace/sidecar';
import { readTraceFile } from '../../engine/trace/read-file';
import { syntheticTrace } from './synthetic-trace';

describe('tensor sidecar', () => {
  it('is named after the trace', () => {
    expect(sidecarPathFor('/a/run.jsonl.gz')).toBe('/a/run.bin');
    expect(sidecarPathFor('/a/run.trace.jsonl')).toBe('/a/run.trace.bin');
  });

  it('stores tensors by offset/dtype/shape and reads them back bit-exact; the header names the sidecar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-sidecar-'));
    const path = join(dir, 'run.jsonl');
    const writer = new TraceWriter(path, { sidecar: true });
    const [header, ...rest] = syntheticTrace({ steps: 2, topK: 2 });
    writer.write(header);
    const attention = Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => Math.sin(i) * 1e-3);
    const half = Uint16Array.from([0x3c00, 0xc000, 0x7bff]);
    const ids = BigInt64Array.from([1n, -2n, 3n]);
    const refs = [writer.writeTensor('attentions.0', attention, [2, 3, 5]), writer.writeTensor('h', half, [3]), writer.writeTensor('ids', ids, [1, 3])];
    for (const ref of refs) writer.write({ type: 'tensor', step: 0, callId: 0, ref });
    for (const r of rest) writer.write(r);
    writer.close();

    const trace = await readTraceFile(path);
    expect(trace.errors).toEqual([]);
    expect(trace.header?.sidecar).toBe('run.bin');
    const reader = new SidecarReader(join(dir, trace.header!.sidecar!));
    const back = trace.events.filter((r) => r.type === 'tensor').map((r) => (r.type === 'tensor' ? reader.read(r.ref) : null));
    expect(back[0]).toEqual(attention);
    expect(back[1]).toEqual(half);
    expect(back[2]).toEqual(ids);
    for (const ref of refs) expect(ref.offset % 8).toBe(0);
  });

  it('no sidecar file unless asked for and used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-sidecar-'));
    const writer = new TraceWriter(join(dir, 'plain.jsonl'));
    for (const r of syntheticTrace({ steps: 1, topK: 2 })) writer.write(r);
    writer.close();
    expect(existsSync(join(dir, 'plain.bin'))).toBe(false);
    expect(() => writer.writeTensor('x', new Float32Array(1), [1])).toThrow(/without a sidecar/);
  });
});
