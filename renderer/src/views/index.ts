/**
 * Registers the method-specific main views (speculative and Jacobi families) with the main view's tab
 * registry. Imported once at startup; each view says which traces it applies to.
 */
import { registerMainView } from '../components/main-views';
import type { TraceIndex } from '../trace/trace-index';
import { DraftTreeMainView } from './speculative/DraftTreeView';
import { SpecStatsView } from './speculative/SpecStatsView';
import { hasSpeculation } from './speculative/spec-stats-model';
import { SelfSpecView } from './speculative/SelfSpecView';
import { hasSelfSpeculation } from './speculative/selfspec-model';
import { JacobiGraphView } from './jacobi/JacobiGraphView';
import { LookaheadView } from './jacobi/LookaheadView';
import './views.css';
import './internals/register';
import './lossless/register';
import '../compare/register';

const has = (t: TraceIndex, type: string) => (t.counts.get(type) ?? 0) > 0;

registerMainView({ id: 'draft-tree', label: 'Draft tree', available: hasSpeculation, priority: 30, component: DraftTreeMainView });
registerMainView({ id: 'spec-stats', label: 'Speculation stats', available: (t) => hasSpeculation(t) || has(t, 'jacobi_iter') || has(t, 'lookahead'), priority: 5, component: SpecStatsView });
registerMainView({ id: 'self-spec', label: 'Self-speculation', available: hasSelfSpeculation, priority: 4, component: SelfSpecView });
registerMainView({ id: 'jacobi-graph', label: 'Jacobi graph', available: (t) => has(t, 'jacobi_iter'), priority: 40, component: JacobiGraphView });
registerMainView({ id: 'lookahead', label: 'Lookahead', available: (t) => has(t, 'lookahead'), priority: 40, component: LookaheadView });
