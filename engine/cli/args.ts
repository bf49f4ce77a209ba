/**
 * Argument parsing for the CLI on node:util parseArgs, with messages that name the flag and the command.
 * Usage mistakes throw UsageError (exit code 2); everything else is a runtime failure (exit code 1).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** parseArgs in strict mode; its error codes become one-line messages that name the flag. */
export function parseCommand(command: string, argv: string[], options: OptionSpec, maxPositionals: number): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(err.message)?.[1] ?? '';
    const hint = `(see: decodescope ${command} --help)`;
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(`unknown option ${flag} for '${command}' ${hint}`);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        throw new UsageError(
          /argument missing/.test(err.message)
            ? `option ${flag} needs a value ${hint}`
            : /ambiguous/.test(err.message)
              ? `option ${flag} needs a value; one that starts with '-' is written ${flag}=-… ${hint}`
              : `option ${flag} does not take a value ${hint}`,
        );
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new UsageError(`unexpected argument for '${command}' ${hint}`);
      default:
        throw new UsageError(`${err.message} ${hint}`);
    }
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}' for '${command}' (see: decodescope ${command} --help)`);
  }
  return parsed;
}

export function stringValue(values: Parsed['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A number flag: "--top-p must be a number in (0, 1], got 'x'". */
export function numberValue(
  values: Parsed['values'],
  name: string,
  rule: { integer?: boolean; min?: number; max?: number; minExclusive?: boolean; describe: string },
): number | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(n) ||
    (rule.integer && !Number.isInteger(n)) ||
    (rule.min !== undefined && (rule.minExclusive ? n <= rule.min : n < rule.min)) ||
    (rule.max !== undefined && n > rule.max);
  if (bad) throw new UsageError(`--${name} must be ${rule.describe}, got '${raw}'`);
  return n;
}

/** Parses `--param key=value` entries: numbers and true/false become numbers and booleans. */
export function keyValues(entries: string[] | undefined, flag: string): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const entry of entries ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} expects key=value, got '${entry}'`);
    const key = entry.slice(0, eq).trim();
    const raw = entry.slice(eq + 1).trim();
    if (!/^[A-Za-z_][\w.-]*$/.test(key)) throw new UsageError(`--${flag}: '${key}' is not a valid parameter name`);
    if (raw === 'true' || raw === 'false') out[key] = raw === 'true';
    else if (raw !== '' && Number.isFinite(Number(raw))) out[key] = Number(raw);
    else out[key] = raw;
  }
  return out;
}
