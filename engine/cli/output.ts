/** Small output helpers shared by the commands. */
import { writeFileSync } from 'node:fs';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Writes text to a file, or to stdout for '-'. */
export function writeOut(path: string, text: string): void {
  if (path === '-') process.stdout.write(text);
  else writeFileSync(path, text);
}

/** A plain text table with aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n') + '\n';
}

export function fmt(n: number | null | undefined, digits = 2): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits);
}
