import { existsSync } from 'node:fs';
import { parseCommand, UsageError } from '../args';
import { STATS_HELP } from '../help';
import { fmt, printJson, table } from '../output';
import { readTraceFile } from '../../trace/read-file';
import { traceStats } from '../../trace/trace-stats';

export async function statsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('stats', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 1);
  if (values.help) {
    process.stdout.write(STATS_HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new UsageError('missing FILE (see: decodescope stats --help)');
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const trace = await readTraceFile(file);
  if (trace.fatal) throw new Error(`${file}: ${trace.fatal}`);
  for (const w of trace.warnings) process.stderr.write(`${file}: warning: ${w}\n`);
  if (trace.errorCount > 0) process.stderr.write(`${file}: ${trace.errorCount} invalid record(s) skipped (run 'decodescope validate')\n`);
  const stats = traceStats(trace);
  if (values.json) {
    printJson(stats);
    return 0;
  }
  const s = stats.summary;
  const rows: string[][] = [
    ['method', stats.method],
    ['status', stats.status + (stats.summarySource === 'records' ? ' (summary derived from records)' : '')],
    ['prompt tokens', String(stats.promptTokens)],
    ['new tokens', String(s.newTokens)],
    ['steps', String(stats.steps)],
    ['target forward passes', String(s.targetForwardPasses)],
    ['draft forward passes', String(s.draftForwardPasses)],
    ['tau (tokens / target pass)', fmt(s.tau, 3)],
    ['acceptance rate', s.acceptanceRate === null ? '— (no drafts)' : fmt(s.acceptanceRate, 3)],
    ['mean accept length', fmt(s.acceptLengths.length ? s.acceptLengths.reduce((a, b) => a + b, 0) / s.acceptLengths.length : null, 3)],
    ['wall time (ms)', fmt(s.wallMs, 1)],
    ['tokens / s', fmt(s.tokensPerSecond, 1)],
    ['finish', s.finishReason],
  ];
  for (const [key, t] of Object.entries(stats.modelCalls)) rows.push([`calls ${key}`, `${t.calls} × ${fmt(t.meanMs, 2)} ms`]);
  rows.push(['records', Object.entries(stats.records).map(([k, n]) => `${k} ${n}`).join(', ')]);
  process.stdout.write(table(rows));
  return 0;
}
