/**
 * For a standard export without attention outputs: make every attention Softmax node's output a graph output,
 * by editing the ONNX protobuf bytes directly (ModelProto.graph = field 7; GraphProto.node = 1, .output = 12;
 * NodeProto.output = 2, .op_type = 4; ValueInfoProto.name = 1). Repeated fields may be appended, so the graph is
 * copied unchanged with new `output` entries at its end. Fused attention ops (com.microsoft Attention,
 * MultiHeadAttention, GroupQueryAttention) keep their probabilities internal: that is reported, not worked around.
 */

const FUSED = new Set(['Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'PackedAttention', 'SparseAttention']);

interface Field { no: number; wire: number; start: number; end: number; body?: Uint8Array }

function readVarint(b: Uint8Array, p: number): [number, number] {
  let v = 0, mul = 1, c: number;
  do {
    if (p >= b.length) throw new Error('ONNX protobuf: truncated varint');
    c = b[p++]!;
    v += (c & 0x7f) * mul;
    mul *= 128;
  } while (c & 0x80);
  return [v, p];
}

function fields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  while (p < b.length) {
    const start = p;
    const [key, q] = readVarint(b, p);
    p = q;
    const wire = key & 7, no = Math.floor(key / 8);
    if (wire === 0) p = readVarint(b, p)[1];
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      const [len, r] = readVarint(b, p);
      out.push({ no, wire, start, end: r + len, body: b.subarray(r, r + len) });
      p = r + len;
      continue;
    } else throw new Error(`ONNX protobuf: unsupported wire type ${wire} at byte ${start}`);
    out.push({ no, wire, start, end: p });
  }
  return out;
}

function varint(n: number): number[] {
  const o: number[] = [];
  while (n > 127) { o.push((n % 128) | 0x80); n = Math.floor(n / 128); }
  o.push(n);
  return o;
}

function lenField(no: number, body: Uint8Array): Uint8Array {
  const head = [...varint(no * 8 + 2), ...varint(body.length)];
  const r = new Uint8Array(head.length + body.length);
  r.set(head);
  r.set(body, head.length);
  return r;
}

const text = (b?: Uint8Array) => (b ? new TextDecoder().decode(b) : '');

export interface SoftmaxInfo { name: string; opType: string }

/** Softmax outputs in graph order, and any fused attention ops found. */
export function findAttentionSoftmax(model: Uint8Array): { softmax: string[]; fused: string[]; outputs: string[] } {
  const graph = fields(model).find((f) => f.no === 7)?.body;
  if (!graph) throw new Error('ONNX protobuf: no graph (ModelProto field 7)');
  const softmax: string[] = [], fused: string[] = [], outputs: string[] = [];
  for (const f of fields(graph)) {
    if (f.no === 12) outputs.push(text(fields(f.body!).find((x) => x.no === 1)?.body));
    if (f.no !== 1) continue;
    const nf = fields(f.body!);
    const op = text(nf.find((x) => x.no === 4)?.body);
    if (op === 'Softmax') softmax.push(text(nf.find((x) => x.no === 2)?.body));
    else if (FUSED.has(op)) fused.push(op);
  }
  return { softmax, fused, outputs };
}

/** The model with the Softmax outputs appended as graph outputs; throws, saying why, when attention is fused or absent. */
export function promoteSoftmax(model: Uint8Array): { bytes: Uint8Array; names: string[] } {
  const { softmax, fused, outputs } = findAttentionSoftmax(model);
  if (fused.length) throw new Error(`attention maps cannot be exposed: the graph uses fused attention (${[...new Set(fused)].join(', ')}), whose probabilities never leave the kernel`);
  const names = softmax.filter((n) => !outputs.includes(n));
  if (names.length === 0) throw new Error('attention maps cannot be exposed: the graph has no Softmax node');
  const top = fields(model);
  const g = top.find((f) => f.no === 7)!;
  const extra = names.map((n) => lenField(12, lenField(1, new TextEncoder().encode(n))));
  const graph = new Uint8Array(g.body!.length + extra.reduce((s, e) => s + e.length, 0));
  graph.set(g.body!);
  let p = g.body!.length;
  for (const e of extra) { graph.set(e, p); p += e.length; }
  const newG = lenField(7, graph);
  const bytes = new Uint8Array(model.length - (g.end - g.start) + newG.length);
  bytes.set(model.subarray(0, g.start));
  bytes.set(newG, g.start);
  bytes.set(model.subarray(g.end), g.start + newG.length);
  return { bytes, names };
}
