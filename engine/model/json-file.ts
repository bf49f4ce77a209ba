import { readFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ModelLoadError } from './errors';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses a JSON file; a syntax error names the file and the line. Returns undefined when optional and absent. */
export function readJsonFile(path: string, displayName = basename(path), required = true): Record<string, unknown> | undefined {
  if (!existsSync(path)) {
    if (!required) return undefined;
    throw new ModelLoadError(`${displayName}: file not found (${path})`, displayName);
  }
  const text = readFileSync(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const lc = /\(line (\d+) column (\d+)\)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const where = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : pos ? lineColumn(text, Number(pos[1])) : lineColumn(text, text.length);
    throw new ModelLoadError(`${displayName}: invalid JSON at line ${where.line}, column ${where.column}: ${msg.replace(/\s*\(line.*$|\s+in JSON at position.*$/, '')}`, displayName);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelLoadError(`${displayName}: expected a JSON object at the top level`, displayName);
  }
  return value as Record<string, unknown>;
}
