/** The engine's public surface for the CLI and the hosts. Re-exports only. */
export { startRun, parseRunRequest, RunRequestError } from './runner/start-run';
export type { RunController, RunOptions, RunState } from './runner/start-run';
export { listMethods, getStrategy, registerStrategy, DEFAULT_METHOD } from './strategies/registry';
export type { Strategy } from './strategies/strategy';
export type { TensorSink, RunContext } from './strategies/context';
export { listBundledModels, inspectModel, loadModel, setBundledModelsDir, bundledModelsDir, clearModelCache, toModelInfo } from './model/registry';
export type { LoadedModel } from './model/loader';
export { ModelLoadError } from './model/errors';
export { tokenize } from './tokens/tokenize';
export { summarize, SummaryAccumulator } from './trace/summary';
export { TraceEmitter } from './trace/emitter';
export type { RecordSink } from './trace/emitter';
