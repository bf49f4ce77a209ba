/**
 * The JSON Schema of one trace line (any record of format v1), generated from the zod schema so the two can
 * never drift. `npm run schema` writes it to assets/schema/trace-1.schema.json; a test checks it is current.
 */
import { z } from 'zod';
import { TRACE_FORMAT, TRACE_SCHEMA_VERSION, TraceRecord } from './schema';

export const JSON_SCHEMA_PATH = 'assets/schema/trace-1.schema.json';

export function buildTraceJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(TraceRecord, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    $id: 'https://decodescope.dev/schema/trace-1.schema.json',
    title: `Decodescope trace record (${TRACE_FORMAT} ${TRACE_SCHEMA_VERSION})`,
    description:
      'One line of a Decodescope trace (JSON Lines). A trace is a header record, then event records in the order they ' +
      'happened, then a footer record; a file without a footer is truncated. Readers accept any 1.x version: unknown ' +
      'fields are ignored and unknown record types skipped. Masked logits (-Infinity) are written as null.',
    ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== '$schema')),
  };
}

export function traceJsonSchemaText(): string {
  return JSON.stringify(buildTraceJsonSchema(), null, 2) + '\n';
}
