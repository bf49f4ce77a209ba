/** Which files of a Hugging Face-layout folder hold what. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Decoder files in the order they are preferred (fp32 before fp16, plain before merged, onnx/ before the root). */
const PREFERRED = [
  'onnx/model.onnx',
  'model.onnx',
  'onnx/decoder_model_merged.onnx',
  'decoder_model_merged.onnx',
  'onnx/model_fp16.onnx',
  'model_fp16.onnx',
  'onnx/decoder_model_merged_fp16.onnx',
  'decoder_model_merged_fp16.onnx',
  'onnx/model_quantized.onnx',
  'model_quantized.onnx',
];

/** Known companions that are not the primary decoder. */
const NOT_PRIMARY = /(^|\/)(model_instrumented|model_exit\d+|model_skip|eagle|decoder_model|decoder_with_past_model|encoder_model)(_fp16)?\.onnx$/;

function listOnnx(dir: string): string[] {
  const found: string[] = [];
  for (const sub of ['onnx', '.']) {
    const d = join(dir, sub);
    if (!existsSync(d) || !statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d)) if (f.endsWith('.onnx')) found.push(relative(dir, join(d, f)));
  }
  return found.sort();
}

export function findPrimaryOnnx(dir: string): string | null {
  for (const f of PREFERRED) if (existsSync(join(dir, f))) return f;
  const rest = listOnnx(dir).filter((f) => !NOT_PRIMARY.test(f));
  // A folder holding only the instrumented variant still has a usable decoder.
  return rest[0] ?? findInstrumentedOnnx(dir);
}

/** The instrumented variant (4-D mask + attentions/hidden states) next to the primary, if any. */
export function findInstrumentedOnnx(dir: string): string | null {
  for (const f of ['onnx/model_instrumented.onnx', 'model_instrumented.onnx']) if (existsSync(join(dir, f))) return f;
  return null;
}

export function allOnnxFiles(dir: string): string[] {
  return listOnnx(dir);
}

/** External-data files that belong to an .onnx file (Optimum: model.onnx_data; torch: model.onnx.data). */
export function externalDataFiles(dir: string, onnxFile: string): string[] {
  const base = onnxFile.split('/').pop()!;
  const sub = onnxFile.includes('/') ? onnxFile.slice(0, onnxFile.lastIndexOf('/')) : '.';
  const d = join(dir, sub);
  return readdirSync(d)
    .filter((f) => f !== base && (f.startsWith(`${base}_data`) || f.startsWith(`${base}.data`)))
    .map((f) => relative(dir, join(d, f)))
    .sort();
}
