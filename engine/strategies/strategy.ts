import type { MethodDescription } from '../protocol/messages';
import type { RunContext } from './context';

/** A decoding method: how the registry lists it and how it runs. */
export interface Strategy {
  description: MethodDescription;
  /** Which paper variant ran (header.method.variant), given the run's parameters. */
  variant?(ctx: Pick<RunContext, 'params' | 'processors'>): string | undefined;
  /** Checks parameters before the run starts; returns a message naming the parameter, or null. */
  validate?(ctx: Pick<RunContext, 'params' | 'processors' | 'model'>): string | null;
  /** Other names this method answers to. */
  aliases?: string[];
  run(ctx: RunContext): Promise<void>;
}
