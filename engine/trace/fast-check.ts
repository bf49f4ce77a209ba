/**
 * A fast yes/no validator built from a zod schema, without eval (the renderer's CSP forbids it).
 *
 * zod 4 in jitless mode walks its schema tree for every value and builds issue objects as it goes; for a
 * 10,000-step trace that is most of the load time. This module walks the schema tree once and returns plain
 * closures that only answer "valid or not". When a value fails, the caller runs zod itself to get the precise
 * messages, so the two can never disagree about *why* — and a test checks they agree about *whether*.
 *
 * Anything this compiler does not understand is delegated to zod's own safeParse for that sub-tree, so an
 * unsupported construct costs speed, never correctness.
 */
import type { z } from 'zod';

export type Check = (value: unknown) => boolean;

interface AnyDef {
  type: string;
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
  pattern?: RegExp;
}

function defOf(schema: z.ZodType): AnyDef {
  return (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
}

function checkDefs(def: AnyDef): CheckDef[] | null {
  const checks = def.checks as Array<{ _zod: { def: CheckDef } }> | undefined;
  return checks ? checks.map((c) => c._zod.def) : [];
}

function delegate(schema: z.ZodType): Check {
  return (value) => schema.safeParse(value).success;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberCheck(schema: z.ZodType, def: AnyDef): Check {
  const parts: Check[] = [];
  for (const c of checkDefs(def) ?? []) {
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32' || c.format === 'uint32')) {
      if (c.format !== 'safeint') return delegate(schema);
      parts.push((v) => Number.isSafeInteger(v));
    } else if (c.check === 'greater_than' && typeof c.value === 'number') {
      const bound = c.value;
      parts.push(c.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound);
    } else if (c.check === 'less_than' && typeof c.value === 'number') {
      const bound = c.value;
      parts.push(c.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound);
    } else {
      return delegate(schema);
    }
  }
  return (v) => {
    // zod 4 rejects NaN and ±Infinity for z.number().
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    for (const p of parts) if (!p(v)) return false;
    return true;
  };
}

function stringCheck(schema: z.ZodType, def: AnyDef): Check {
  const patterns: RegExp[] = [];
  for (const c of checkDefs(def) ?? []) {
    if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) patterns.push(c.pattern);
    else return delegate(schema);
  }
  return (v) => {
    if (typeof v !== 'string') return false;
    for (const p of patterns) {
      p.lastIndex = 0;
      if (!p.test(v)) return false;
    }
    return true;
  };
}

function objectCheck(def: AnyDef, cache: Map<z.ZodType, Check>): Check {
  const shape = def.shape as Record<string, z.ZodType>;
  const entries = Object.entries(shape).map(([key, fieldSchema]) => {
    const optional = defOf(fieldSchema).type === 'optional';
    return { key, optional, check: compile(fieldSchema, cache) };
  });
  // zod's default object mode strips unknown keys: they are allowed, and that is the forward-compatibility rule.
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (const e of entries) {
      const field = v[e.key];
      if (field === undefined) {
        if (!e.optional) return false;
      } else if (!e.check(field)) return false;
    }
    return true;
  };
}

function discriminatedCheck(def: AnyDef, cache: Map<z.ZodType, Check>): Check {
  const key = def.discriminator as string;
  const byValue = new Map<unknown, Check>();
  for (const option of def.options as z.ZodType[]) {
    const literal = defOf((defOf(option).shape as Record<string, z.ZodType>)[key]);
    for (const value of literal.values as unknown[]) byValue.set(value, compile(option, cache));
  }
  return (v) => {
    if (!isPlainObject(v)) return false;
    const check = byValue.get(v[key]);
    return check !== undefined && check(v);
  };
}

/** Compiles (and memoises, so lazy self-references terminate) a validity check for `schema`. */
export function compile(schema: z.ZodType, cache: Map<z.ZodType, Check> = new Map()): Check {
  const known = cache.get(schema);
  if (known) return known;
  // Placeholder for recursive schemas; replaced below.
  let compiled: Check = (v) => compiled(v);
  cache.set(schema, (v) => compiled(v));
  compiled = build(schema, cache);
  cache.set(schema, compiled);
  return compiled;
}

function build(schema: z.ZodType, cache: Map<z.ZodType, Check>): Check {
  const def = defOf(schema);
  switch (def.type) {
    case 'number':
      return numberCheck(schema, def);
    case 'string':
      return stringCheck(schema, def);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'literal': {
      const values = new Set(def.values as unknown[]);
      return (v) => values.has(v);
    }
    case 'enum': {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return (v) => values.has(v);
    }
    case 'optional': {
      const inner = compile(def.innerType as z.ZodType, cache);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType, cache);
      return (v) => v === null || inner(v);
    }
    case 'lazy':
      return compile((def.getter as () => z.ZodType)(), cache);
    case 'array': {
      if ((checkDefs(def) ?? []).length > 0) return delegate(schema);
      const element = compile(def.element as z.ZodType, cache);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'record': {
      if (defOf(def.keyType as z.ZodType).type !== 'string') return delegate(schema);
      const value = compile(def.valueType as z.ZodType, cache);
      return (v) => {
        if (!isPlainObject(v)) return false;
        for (const key in v) if (!value(v[key])) return false;
        return true;
      };
    }
    case 'union': {
      if (typeof def.discriminator === 'string') return discriminatedCheck(def, cache);
      const options = (def.options as z.ZodType[]).map((o) => compile(o, cache));
      return (v) => options.some((o) => o(v));
    }
    case 'object':
      return objectCheck(def, cache);
    default:
      return delegate(schema);
  }
}
