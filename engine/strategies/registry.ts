/**
 * Every decoding method by name. Speculative/parallel methods register themselves here from their own modules
 * (`registerStrategy`), so the CLI's `methods`, the run panel and the runner all see one list.
 */
import type { MethodDescription } from '../protocol/messages';
import type { Strategy } from './strategy';
import { autoregressive } from './autoregressive';
import { beamSearch } from './beam';
import { contrastiveSearch } from './contrastive';
import { speculativeFamily } from './speculative-family';
import { jacobi } from './jacobi';
import { jacobiKv } from './jacobi-kv';
import { lookahead } from './lookahead';
import { sjd, sjdLantern } from './sjd';
import { draftVerifyDecoding } from './layer-skip';

export const DEFAULT_METHOD = 'autoregressive';

const strategies = new Map<string, Strategy>();
const aliases = new Map<string, string>();

export function registerStrategy(s: Strategy): void {
  strategies.set(s.description.name, s);
  for (const a of s.aliases ?? []) aliases.set(a, s.description.name);
}

for (const s of [autoregressive, beamSearch, contrastiveSearch]) registerStrategy(s);
for (const s of speculativeFamily) registerStrategy(s);
for (const s of [jacobi, jacobiKv, lookahead, sjd, sjdLantern]) registerStrategy(s);
registerStrategy(draftVerifyDecoding);

export function listMethods(): MethodDescription[] {
  return [...strategies.values()].map((s) => s.description);
}

/** A method by name or alias; undefined when unknown. */
export function getStrategy(name: string): Strategy | undefined {
  return strategies.get(name) ?? strategies.get(aliases.get(name) ?? '');
}

export function methodNames(): string[] {
  return [...strategies.keys()];
}
