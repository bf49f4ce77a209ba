import type { CapabilityManifest } from '../trace/schema';
import { ioConventionOf } from './io';
import type { DecoderSession } from './decoder-session';

export interface ManifestFacts {
  primary: DecoderSession;
  instrumented: DecoderSession | null;
  vocabSize: number;
  numHeads: number | null;
  hiddenSize: number | null;
  medusaHeads: number | null;
  externalData: boolean;
}

/** The model folder's capabilities: the primary decoder's I/O plus what its instrumented variant adds. */
export function buildManifest(f: ManifestFacts): CapabilityManifest {
  const p = f.primary.io;
  const sessions = [f.primary, ...(f.instrumented ? [f.instrumented] : [])];
  const any = (pred: (s: DecoderSession) => boolean) => sessions.some(pred);
  const m: CapabilityManifest = {
    ioConvention: ioConventionOf(p),
    dtype: p.kvDtype,
    vocabSize: f.vocabSize,
    numLayers: p.layers.length,
    numKvHeads: f.primary.kvHeads,
    headDim: f.primary.headDim,
    kvCache: true,
    positionIds: p.positionIds !== null,
    treeMask: any((s) => s.treeMask),
    attentions: any((s) => s.io.attentions.length > 0),
    hiddenStates: any((s) => s.io.hiddenStates.length > 0),
  };
  if (f.numHeads) m.numHeads = f.numHeads;
  if (f.hiddenSize) m.hiddenSize = f.hiddenSize;
  if (any((s) => s.io.exitLogits.length > 0)) m.exitLogits = true;
  if (f.medusaHeads) m.medusaHeads = f.medusaHeads;
  if (p.useCacheBranch) m.useCacheBranch = true;
  if (p.numLogitsToKeep) m.numLogitsToKeep = true;
  if (f.externalData) m.externalData = true;
  return m;
}
