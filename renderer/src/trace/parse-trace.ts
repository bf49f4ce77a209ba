/**
 * Opening trace text in the renderer, on top of the shared browser-safe reader (engine/trace/reader.ts).
 * The renderer is stricter than the CLI about what it will show: a file with any invalid line is
 * refused as a whole (the user keeps what was open) with the first problem's line and field; a
 * truncated file or one with unknown newer record types opens with a warning.
 */
import { parseTrace } from '../../../engine/trace/reader';
import type { TraceRecord } from '../../../engine/trace/schema';

export class TraceParseError extends Error {
  constructor(
    message: string,
    /** 1-based line of the first problem, when there is one. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'TraceParseError';
  }
}

export interface OpenedTrace {
  records: TraceRecord[];
  /** Non-fatal findings: skipped unknown record types, a missing footer. */
  warnings: string[];
  truncated: boolean;
}

export function parseTraceText(text: string, fileName = 'trace'): OpenedTrace {
  const parsed = parseTrace(text);
  if (parsed.fatal) throw new TraceParseError(`${fileName}: ${parsed.fatal}`, 1);
  if (parsed.errorCount > 0) {
    const first = parsed.errors[0] ?? 'invalid record';
    const line = /line (\d+)/.exec(first)?.[1];
    const more = parsed.errorCount > 1 ? ` (and ${parsed.errorCount - 1} more problem${parsed.errorCount > 2 ? 's' : ''})` : '';
    throw new TraceParseError(`${fileName}: ${first}${more}`, line ? Number(line) : undefined);
  }
  if (!parsed.header) throw new TraceParseError(`${fileName}: no header record`, 1);
  const records: TraceRecord[] = [parsed.header, ...parsed.events];
  if (parsed.footer) records.push(parsed.footer);
  const warnings = [...parsed.warnings];
  if (parsed.truncated && !warnings.some((w) => /truncat|footer/i.test(w)))
    warnings.push('no footer: the trace was cut off; every complete record is shown');
  return { records, warnings, truncated: parsed.truncated };
}
