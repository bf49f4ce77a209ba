/**
 * The main view's tabs. A method-specific view registers here (draft tree, Jacobi graph, attention…):
 * `available` says whether the open trace has the records it needs; `priority` picks the default tab.
 */
import type { ComponentType } from 'react';
import type { TraceIndex } from '../trace/trace-index';
import { DistributionView } from './DistributionView';
import { BeamView, ContrastiveView } from './SearchViews';

export interface MainViewSpec {
  id: string;
  label: string;
  available(trace: TraceIndex): boolean;
  /** Higher wins when choosing the default tab for a trace. */
  priority: number;
  component: ComponentType;
}

export const MAIN_VIEWS: MainViewSpec[] = [
  { id: 'distribution', label: 'Distribution', available: (t) => t.dists.size > 0 || t.steps.length === 0, priority: 10, component: DistributionView },
  { id: 'beam', label: 'Beams', available: (t) => (t.counts.get('beam') ?? 0) > 0, priority: 20, component: BeamView },
  { id: 'contrastive', label: 'Contrastive', available: (t) => (t.counts.get('contrastive') ?? 0) > 0, priority: 20, component: ContrastiveView },
];

export function registerMainView(spec: MainViewSpec): void {
  const i = MAIN_VIEWS.findIndex((v) => v.id === spec.id);
  if (i >= 0) MAIN_VIEWS[i] = spec;
  else MAIN_VIEWS.push(spec);
}
