/** Registers the internals views (logit lens, attention) as main-view tabs; available when the trace has their records. */
import { registerMainView } from '../../components/main-views';
import type { TraceIndex } from '../../trace/trace-index';
import { LogitLensView } from './LogitLensView';
import { AttentionView } from './AttentionView';

const has = (t: TraceIndex, type: string) => (t.counts.get(type) ?? 0) > 0;

registerMainView({ id: 'logit-lens', label: 'Logit lens', available: (t) => has(t, 'layer_topk'), priority: 3, component: LogitLensView });
registerMainView({ id: 'attention', label: 'Attention', available: (t) => has(t, 'attention'), priority: 2, component: AttentionView });
