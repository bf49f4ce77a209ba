import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseCommand } from '../args';
import { UsageError } from '../args';
import { VALIDATE_HELP } from '../help';
import { printJson } from '../output';
import { readTraceFile } from '../../trace/read-file';
import { isValidTrace } from '../../trace/reader';

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('validate', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 1);
  if (values.help) {
    process.stdout.write(VALIDATE_HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new UsageError('missing FILE (see: decodescope validate --help)');
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const trace = await readTraceFile(file);
  const sidecar = trace.header?.sidecar;
  if (sidecar && !existsSync(join(dirname(file), sidecar))) {
    trace.warnings.push(`the header names a tensor sidecar '${sidecar}' that is not next to the trace: tensor views will be empty`);
  }
  const valid = isValidTrace(trace);
  if (values.json) {
    printJson({
      file,
      valid,
      fatal: trace.fatal,
      truncated: trace.truncated,
      errors: trace.errors,
      errorCount: trace.errorCount,
      warnings: trace.warnings,
      records: trace.events.length,
      schemaVersion: trace.header?.schemaVersion ?? null,
    });
    return valid ? 0 : 1;
  }
  if (trace.fatal) {
    process.stderr.write(`${file}: ${trace.fatal}\n`);
    return 1;
  }
  for (const e of trace.errors) process.stderr.write(`${file}: ${e}\n`);
  for (const w of trace.warnings) process.stderr.write(`${file}: warning: ${w}\n`);
  if (valid) {
    process.stdout.write(`${file}: valid (schema ${trace.header!.schemaVersion}, ${trace.events.length} records, ${trace.lineCount} lines)\n`);
    return 0;
  }
  const what = trace.errorCount > 0 ? `${trace.errorCount} problem(s)` : 'truncated';
  process.stderr.write(`${file}: invalid: ${what}\n`);
  return 1;
}
