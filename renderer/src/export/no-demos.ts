/** Stands in for ../demos in the single-file viewer build: an exported page carries only its own trace. */
import type { DemoInfo } from '../demos';

export type { DemoInfo };
export const DEMOS: DemoInfo[] = [];
