import { useMemo } from 'react';
import { useApp } from '../store/store';
import type { TraceIndex } from '../trace/trace-index';

/**
 * A view model derived from the whole trace, recomputed when the trace or its version changes (a live run grows
 * the same TraceIndex in place, so the object alone is no key). `derive` must be a module-level function.
 */
export function useTraceDerived<T>(derive: (trace: TraceIndex) => T): T {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => derive(trace), [trace, version, derive]);
}
