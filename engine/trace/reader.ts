/**
 * Trace reading, shared by the CLI and the renderer: no node: imports here (file and gzip access live in
 * read-file.ts). Text arrives whole or in chunks; every complete line becomes a record.
 *
 * What a reader promises (see schema.ts for the versioning rules):
 * - a different MAJOR version, a wrong `format`, or no header on line 1 is refused with one clear `fatal` message;
 * - a newer MINOR version opens: unknown fields are kept but ignored, unknown record types are skipped and counted;
 * - a file without a footer is `truncated`; every complete record before the cut is recovered;
 * - a bad line is reported as "line N: field.path: problem" and reading goes on.
 */
import {
  TRACE_FORMAT,
  TRACE_MAJOR,
  TRACE_SCHEMA_VERSION,
  type EventRecord,
  type FooterRecord,
  type HeaderRecord,
} from './schema';
import { checkRecord, formatProblem, isKnownRecordType } from './validate';

export interface ReadOptions {
  /** Check every record against the schema (default true). Off: only JSON and record types are checked. */
  validate?: boolean;
  /** Stop collecting error messages after this many (the count goes on). Default 50. */
  maxErrors?: number;
  /** Called with each accepted event record as it is parsed (live loading). */
  onRecord?: (record: EventRecord, line: number) => void;
}

export interface ParsedTrace {
  header: HeaderRecord | null;
  /** Valid event records of known types, in file order. */
  events: EventRecord[];
  /** 1-based file line of each entry of `events`. */
  eventLines: number[];
  footer: FooterRecord | null;
  /** The file ended without a footer (a crash, a cancel mid-write, or a live run still going). */
  truncated: boolean;
  /** Refusal to read at all (wrong format, other major version, no header). */
  fatal: string | null;
  /** Per-line problems: "line 12: distribution.raw.topk[3].logprob: expected number, got string". */
  errors: string[];
  errorCount: number;
  warnings: string[];
  /** Records of types this reader does not know (from a newer minor version), by type. */
  skippedTypes: Record<string, number>;
  lineCount: number;
}

/** ok = readable and nothing wrong (a truncated trace is readable but not ok). */
export function isValidTrace(trace: ParsedTrace): boolean {
  return trace.fatal === null && trace.errorCount === 0 && !trace.truncated;
}

function parseVersion(version: unknown): [number, number, number] | null {
  if (typeof version !== 'string') return null;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

const [, READER_MINOR] = parseVersion(TRACE_SCHEMA_VERSION)!;

/** Incremental parser: push text chunks (any split), then end(). */
export class TraceParser {
  private readonly options: Required<Omit<ReadOptions, 'onRecord'>> & Pick<ReadOptions, 'onRecord'>;
  private readonly result: ParsedTrace = {
    header: null,
    events: [],
    eventLines: [],
    footer: null,
    truncated: false,
    fatal: null,
    errors: [],
    errorCount: 0,
    warnings: [],
    skippedTypes: {},
    lineCount: 0,
  };
  private pending = '';
  private line = 0;
  private newerMinor = false;
  private ended = false;

  constructor(options: ReadOptions = {}) {
    this.options = { validate: options.validate ?? true, maxErrors: options.maxErrors ?? 50, onRecord: options.onRecord };
  }

  /** The trace as read so far (live view of a growing file). */
  get current(): ParsedTrace {
    return this.result;
  }

  push(chunk: string): void {
    if (this.ended) throw new Error('TraceParser.push after end()');
    if (this.result.fatal) return;
    const text = this.pending + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.handleLine(text.slice(start, nl), true);
      if (this.result.fatal) {
        this.pending = '';
        return;
      }
      start = nl + 1;
    }
    this.pending = text.slice(start);
  }

  end(): ParsedTrace {
    if (this.ended) return this.result;
    this.ended = true;
    const r = this.result;
    if (this.pending.length > 0 && !r.fatal) this.handleLine(this.pending, false);
    this.pending = '';
    if (r.fatal) return r;
    if (!r.header) {
      r.fatal = 'empty trace: no header record';
      return r;
    }
    if (!r.footer) {
      r.truncated = true;
      r.warnings.push(
        `trace is truncated: no footer after line ${r.lineCount}; recovered ${r.events.length} complete record(s)`,
      );
    }
    const skipped = Object.entries(r.skippedTypes);
    if (skipped.length > 0) {
      const list = skipped.map(([type, n]) => `${type} ×${n}`).join(', ');
      r.warnings.push(`skipped record types unknown to this reader (written by version ${r.header.schemaVersion}): ${list}`);
    }
    if (r.errorCount > r.errors.length) r.errors.push(`… and ${r.errorCount - r.errors.length} more problem(s)`);
    return r;
  }

  private error(message: string): void {
    this.result.errorCount++;
    if (this.result.errors.length < this.options.maxErrors) this.result.errors.push(message);
  }

  private handleLine(raw: string, complete: boolean): void {
    const lineNo = ++this.line;
    this.result.lineCount = lineNo;
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    // Blank lines are allowed; checking the first character first avoids copying every line with trim().
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (!complete && this.result.header) {
        // The last line was cut off mid-write: that is truncation, not corruption.
        this.result.warnings.push(`line ${lineNo}: incomplete last line dropped (${text.length} bytes)`);
        return;
      }
      const reason = e instanceof Error ? e.message : String(e);
      if (!this.result.header) {
        this.result.fatal = `line ${lineNo}: not a Decodescope trace: invalid JSON (${reason})`;
        return;
      }
      this.error(`line ${lineNo}: invalid JSON: ${reason}`);
      return;
    }
    if (!this.result.header) {
      this.handleHeader(value, lineNo);
      return;
    }
    this.handleRecord(value, lineNo);
  }

  private handleHeader(value: unknown, lineNo: number): void {
    const r = this.result;
    const obj = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (obj.type !== 'header') {
      const found = typeof obj.type === 'string' ? `a '${obj.type}' record` : 'no record type';
      r.fatal = `line ${lineNo}: missing header: a trace must start with a 'header' record, found ${found}`;
      return;
    }
    if (obj.format !== TRACE_FORMAT) {
      const got = obj.format === undefined ? 'it is missing' : `got ${JSON.stringify(obj.format)}`;
      r.fatal = `line ${lineNo}: header.format: not a Decodescope trace (expected "${TRACE_FORMAT}", ${got})`;
      return;
    }
    const version = parseVersion(obj.schemaVersion);
    if (!version) {
      r.fatal = `line ${lineNo}: header.schemaVersion: expected MAJOR.MINOR.PATCH, got ${JSON.stringify(obj.schemaVersion)}`;
      return;
    }
    if (version[0] !== TRACE_MAJOR) {
      r.fatal =
        `line ${lineNo}: trace schema version ${obj.schemaVersion} is not supported: this reader reads ` +
        `version ${TRACE_MAJOR}.x (major version ${version[0]} is a different format; ` +
        (version[0] > TRACE_MAJOR ? 'use a newer Decodescope)' : 'convert it first)');
      return;
    }
    this.newerMinor = version[1] > READER_MINOR;
    if (this.newerMinor) {
      r.warnings.push(
        `trace was written with schema ${obj.schemaVersion}, newer than this reader (${TRACE_SCHEMA_VERSION}): unknown fields are ignored`,
      );
    }
    const problems = checkRecord(value) ?? [];
    if (problems.length > 0) {
      r.fatal = problems.map((p) => formatProblem(lineNo, p)).join('; ');
      return;
    }
    r.header = value as HeaderRecord;
  }

  private handleRecord(value: unknown, lineNo: number): void {
    const r = this.result;
    if (r.footer) {
      this.error(`line ${lineNo}: record after the footer`);
      return;
    }
    const problems = this.options.validate ? checkRecord(value) : quickTypeCheck(value);
    if (problems === null) {
      const type = String((value as { type: string }).type);
      if (this.newerMinor) r.skippedTypes[type] = (r.skippedTypes[type] ?? 0) + 1;
      else this.error(`line ${lineNo}: unknown record type '${type}' (schema ${r.header!.schemaVersion} has no such type)`);
      return;
    }
    if (problems.length > 0) {
      for (const p of problems) this.error(formatProblem(lineNo, p));
      return;
    }
    const record = value as EventRecord | HeaderRecord | FooterRecord;
    if (record.type === 'header') {
      this.error(`line ${lineNo}: a second header record`);
      return;
    }
    if (record.type === 'footer') {
      r.footer = record;
      return;
    }
    r.events.push(record);
    r.eventLines.push(lineNo);
    this.options.onRecord?.(record, lineNo);
  }
}

/** Without validation: only "is it an object with a known type". */
function quickTypeCheck(value: unknown): ReturnType<typeof checkRecord> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ path: '', message: 'expected a JSON object' }];
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return [{ path: 'type', message: 'missing record type' }];
  return isKnownRecordType(type) ? [] : null;
}

/** Parses a whole trace held in memory (a string or UTF-8 bytes). Never throws on bad content. */
export function parseTrace(input: string | Uint8Array, options: ReadOptions = {}): ParsedTrace {
  const parser = new TraceParser(options);
  parser.push(typeof input === 'string' ? input : new TextDecoder().decode(input));
  return parser.end();
}

/** Parses a stream of text or byte chunks (e.g. a fetch body in the renderer). */
export async function parseTraceChunks(
  chunks: AsyncIterable<string | Uint8Array>,
  options: ReadOptions = {},
): Promise<ParsedTrace> {
  const parser = new TraceParser(options);
  const decoder = new TextDecoder();
  for await (const chunk of chunks) parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  parser.push(decoder.decode());
  return parser.end();
}
