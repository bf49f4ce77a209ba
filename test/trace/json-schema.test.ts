import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_PATH, traceJsonSchemaText } from '../../engine/trace/json-schema';
import { KNOWN_RECORD_TYPES } from '../../engine/trace/schema';

describe('committed JSON Schema', () => {
  it(`${JSON_SCHEMA_PATH} is what \`npm run schema\` generates from engine/trace/schema.ts`, () => {
    const committed = readFileSync(join(__dirname, '../..', JSON_SCHEMA_PATH), 'utf8');
    expect(committed, 'out of date: run `npm run schema` and commit the result').toBe(traceJsonSchemaText());
  });

  it('describes every record type', () => {
    const schema = JSON.parse(traceJsonSchemaText()) as { oneOf: Array<{ properties: { type: { const: string } } }> };
    const types = schema.oneOf.map((o) => o.properties.type.const);
    expect(new Set(types)).toEqual(new Set(KNOWN_RECORD_TYPES));
  });
});
