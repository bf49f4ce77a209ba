/**
 * Record validation with messages a person can act on: "line 12: distribution.raw.topk[3].logprob: expected number".
 * The fast path (compiled checks) answers valid/invalid; zod is consulted only for the records that fail.
 */
import type { z } from 'zod';
import { EventRecord, FooterRecord, HeaderRecord, KNOWN_RECORD_TYPES } from './schema';
import { compile, type Check } from './fast-check';

const schemaByType = new Map<string, z.ZodType>();
for (const option of [HeaderRecord, FooterRecord, ...EventRecord.options] as z.ZodObject[]) {
  schemaByType.set((option.shape.type as z.ZodLiteral<string>).value, option);
}
const checkByType = new Map<string, Check>();
const compileCache = new Map<z.ZodType, Check>();

function checkFor(type: string): Check | undefined {
  let check = checkByType.get(type);
  if (!check) {
    const schema = schemaByType.get(type);
    if (!schema) return undefined;
    check = compile(schema, compileCache);
    checkByType.set(type, check);
  }
  return check;
}

/** "raw.topk[3].logprob" from a zod issue path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return typeof value;
}

/** One zod issue in words; "Invalid input: expected number, received string" becomes "expected number, got string". */
function formatIssue(issue: z.core.$ZodIssue, record: unknown): string {
  if (issue.code === 'invalid_type') {
    let value: unknown = record;
    for (const part of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part];
    if (value === undefined) return `missing (expected ${issue.expected})`;
    return `expected ${issue.expected}, got ${describe(value)}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

export interface RecordProblem {
  /** Dotted field path inside the record, prefixed by the record type ("distribution.raw.topk[3].logprob"). */
  path: string;
  message: string;
}

/**
 * Checks one parsed JSON value against the record schema for its `type`. Returns [] when valid.
 * Unknown types are the caller's business (they depend on the trace's minor version), so they return null.
 */
export function checkRecord(value: unknown): RecordProblem[] | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '', message: `expected a JSON object, got ${describe(value)}` }];
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return [{ path: 'type', message: type === undefined ? 'missing record type' : `expected string, got ${describe(type)}` }];
  }
  const check = checkFor(type);
  if (!check) return null;
  if (check(value)) return [];
  const result = schemaByType.get(type)!.safeParse(value);
  if (result.success) return []; // The fast check is stricter than zod somewhere; zod is the authority.
  return result.error.issues.map((issue) => {
    const inner = formatPath(issue.path);
    return { path: inner === '' ? type : `${type}.${inner}`, message: formatIssue(issue, value) };
  });
}

export function isKnownRecordType(type: string): boolean {
  return KNOWN_RECORD_TYPES.has(type);
}

/** "line 12: distribution.raw.topk[3].logprob: expected number, got string". */
export function formatProblem(line: number, problem: RecordProblem): string {
  return problem.path ? `line ${line}: ${problem.path}: ${problem.message}` : `line ${line}: ${problem.message}`;
}
