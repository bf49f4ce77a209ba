import { existsSync } from 'node:fs';
import { parseCommand, stringValue, UsageError } from '../args';
import { EXPORT_HELP } from '../help';
import { writeOut } from '../output';
import { readTraceFile } from '../../trace/read-file';
import { exportPerfetto } from '../../trace/export-perfetto';
import { exportHf } from '../../trace/export-hf';

const FORMATS = ['perfetto', 'hf', 'html'] as const;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'export',
    argv,
    { format: { type: 'string' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    2,
  );
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new UsageError('missing FILE (see: decodescope export --help)');
  const format = stringValue(values, 'format');
  if (!format) throw new UsageError(`missing --format (${FORMATS.join(', ')})`);
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
  if (positionals[1] !== undefined && stringValue(values, 'out') !== undefined) throw new UsageError('give the output once: --out FILE or a second argument, not both');
  const out = stringValue(values, 'out') ?? positionals[1];
  if (!out) throw new UsageError("missing --out FILE ('-' for stdout)");
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const trace = await readTraceFile(file);
  if (trace.fatal || !trace.header) throw new Error(`${file}: ${trace.fatal ?? 'no header'}`);
  for (const w of trace.warnings) process.stderr.write(`${file}: warning: ${w}\n`);
  if (format === 'html') {
    const { buildHtmlExport } = await import('./export-html');
    const page = buildHtmlExport(file, trace);
    writeOut(out, page.html);
    if (out !== '-') process.stderr.write(`wrote ${out} (html, ${page.notes.join('; ')})\n`);
    return 0;
  }
  if (trace.errorCount > 0) process.stderr.write(`${file}: ${trace.errorCount} invalid record(s) left out\n`);
  const result =
    format === 'perfetto' ? exportPerfetto(trace.header, trace.events, trace.footer) : exportHf(trace.header, trace.events, trace.footer);
  writeOut(out, JSON.stringify(result) + '\n');
  if (out !== '-') process.stderr.write(`wrote ${out} (${format})\n`);
  return 0;
}
