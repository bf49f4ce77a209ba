/**
 * The Lossless tab's own state, outside the component so a running check and its report survive switching
 * tabs: the form, the check in flight (progress, cancel) and the last report or error.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { EngineClient, MethodDescription } from '../../../../engine/protocol/messages';
import type { LosslessProgress, LosslessReport } from '../../../../engine/analysis/lossless-report';
import { DEFAULT_FORM, checkRequest, formProblems, type LosslessForm } from './lossless-model';

export type CheckStatus = 'idle' | 'running' | 'done' | 'error' | 'cancelled';

export interface LosslessState {
  form: LosslessForm;
  status: CheckStatus;
  progress: LosslessProgress | null;
  report: LosslessReport | null;
  error: string | null;
  setForm(patch: Partial<LosslessForm>): void;
  setParam(name: string, value: number): void;
  run(client: EngineClient, methods: readonly MethodDescription[]): Promise<void>;
  cancel(): void;
}

let abort: AbortController | null = null;

export const losslessStore = createStore<LosslessState>()((set, get) => ({
  form: DEFAULT_FORM,
  status: 'idle',
  progress: null,
  report: null,
  error: null,
  setForm(patch) {
    const form = { ...get().form, ...patch };
    // Knobs belong to a method: a new method starts from its own defaults.
    if (patch.method !== undefined && patch.method !== get().form.method) form.params = {};
    set({ form });
  },
  setParam(name, value) {
    set({ form: { ...get().form, params: { ...get().form.params, [name]: value } } });
  },
  async run(client, methods) {
    if (get().status === 'running') return;
    const { form } = get();
    const problems = formProblems(form, methods);
    if (problems.length) {
      set({ status: 'error', error: problems.map((p) => p.message).join('; ') });
      return;
    }
    const controller = new AbortController();
    abort = controller;
    set({ status: 'running', progress: null, error: null });
    try {
      const report = await client.checkLossless(checkRequest(form, methods), { signal: controller.signal, onProgress: (progress) => set({ progress }) });
      set({ status: 'done', report });
    } catch (e) {
      // The last report stays on screen until a new one replaces it.
      if (controller.signal.aborted) set({ status: 'cancelled', error: null });
      else set({ status: 'error', error: e instanceof Error ? e.message : String(e) });
    } finally {
      if (abort === controller) abort = null;
    }
  },
  cancel() {
    abort?.abort();
  },
}));

export function useLossless<T>(select: (s: LosslessState) => T): T {
  return useStore(losslessStore, select);
}
