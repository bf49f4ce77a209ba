import { parseCommand } from '../args';
import { MODELS_HELP } from '../help';
import { printJson, table } from '../output';
import type { CapabilityManifest } from '../../trace/schema';

/** The capabilities a person looks for first, as short words. */
function capabilities(m: CapabilityManifest): string {
  const caps: string[] = [];
  if (m.kvCache) caps.push('kv-cache');
  if (m.treeMask) caps.push('tree-mask');
  if (m.attentions) caps.push('attentions');
  if (m.hiddenStates) caps.push('hidden-states');
  if (m.exitLogits) caps.push('exit-logits');
  if (m.medusaHeads) caps.push(`medusa×${m.medusaHeads}`);
  return caps.join(', ');
}

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('models', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 0);
  if (values.help) {
    process.stdout.write(MODELS_HELP);
    return 0;
  }
  const { listBundledModels } = await import('../../index');
  const models = await listBundledModels();
  if (values.json) {
    printJson(models);
    return 0;
  }
  if (models.length === 0) {
    process.stdout.write('no bundled models installed (assets/models)\n');
    return 0;
  }
  const rows = [['ID', 'LAYERS', 'VOCAB', 'DTYPE', 'IO', 'CAPABILITIES']];
  for (const m of models) {
    const f = m.manifest;
    rows.push([m.id, String(f.numLayers), String(f.vocabSize), f.dtype, f.ioConvention, capabilities(f)]);
  }
  process.stdout.write(table(rows));
  return 0;
}
