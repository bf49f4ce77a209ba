import { parseCommand } from '../args';
import { METHODS_HELP } from '../help';
import { printJson, table } from '../output';

export async function methodsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('methods', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 0);
  if (values.help) {
    process.stdout.write(METHODS_HELP);
    return 0;
  }
  const { listMethods } = await import('../../index');
  const methods = listMethods();
  if (values.json) {
    printJson(methods);
    return 0;
  }
  const rows = [['NAME', 'FAMILY', 'LOSSLESS', 'NEEDS', 'DESCRIPTION']];
  for (const m of methods) rows.push([m.name, m.family, m.lossless ? 'yes' : 'no', m.needs.join(', ') || '—', m.description]);
  process.stdout.write(table(rows));
  return 0;
}
