/**
 * `decodescope` entry: dispatches to one command module, loaded only when used (so `--help`, `validate`
 * and `stats` never load onnxruntime). Returns the exit code: 0 ok, 1 failure, 2 usage error.
 */
import { UsageError } from './args';
import { MAIN_HELP } from './help';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run')).runCommand,
  methods: async () => (await import('./commands/methods')).methodsCommand,
  models: async () => (await import('./commands/models')).modelsCommand,
  validate: async () => (await import('./commands/validate')).validateCommand,
  stats: async () => (await import('./commands/stats')).statsCommand,
  export: async () => (await import('./commands/export')).exportCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  'check-lossless': async () => (await import('./commands/check-lossless')).checkLosslessCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`decodescope: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see decodescope --help)\n`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`decodescope ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`decodescope ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.DECODESCOPE_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
