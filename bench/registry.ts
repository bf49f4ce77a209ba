/**
 * The benchmark is a list of sections. Each section measures a baseline and some contenders in the same run
 * (so they share the machine's state), and reports contenders as ratios to that baseline. Later work adds a
 * section (speculative methods vs greedy, Jacobi vs greedy, …) by calling registerSection in its own file and
 * importing that file from bench/run-all.ts.
 */

export interface BenchConfig {
  /** Timed repetitions per contender (after warm-up). */
  reps: number;
  warmup: number;
  /** New tokens per generation. */
  tokens: number;
  prompt: string;
  log(message: string): void;
}

/** One timed contender: tokens/s per repetition. */
export interface Contender {
  name: string;
  /** What it is, in a few words (shown under the table). */
  detail: string;
  tokensPerSecond: number[];
  /** Tokens per second of process CPU time (all threads, ORT's included), per repetition. Unlike wall time, this
   * hardly moves when other processes share the machine, so its ratios are the steadier figure. */
  tokensPerCpuSecond?: number[];
  /** Tokens generated per repetition (equal across contenders when they are comparable). */
  tokens: number;
  /** Goal as a minimum ratio to the baseline, when the project states one. */
  goal?: number;
}

export interface SectionResult {
  title: string;
  /** Name of the contender the ratios are relative to. */
  baseline: string;
  contenders: Contender[];
  /** Extra ratios that are goals against a non-baseline contender: [contender, reference, goal]. */
  extraRatios?: Array<{ contender: string; reference: string; goal?: number }>;
  notes: string[];
}

export interface BenchSection {
  id: string;
  title: string;
  run(config: BenchConfig): Promise<SectionResult>;
}

const sections: BenchSection[] = [];

export function registerSection(section: BenchSection): void {
  if (sections.some((s) => s.id === section.id)) throw new Error(`bench section '${section.id}' registered twice`);
  sections.push(section);
}

export function allSections(): readonly BenchSection[] {
  return sections;
}

/**
 * Runs every contender once per repetition, forward on even repetitions and backward on odd ones, so that no
 * contender always runs right after the same other one (the garbage one leaves behind is collected during the
 * next). Returns tokens/s per contender per repetition; index r of each list is the same repetition.
 */
export async function interleaved(fns: Array<() => Promise<number>>, warmup: number, reps: number, log: (m: string) => void): Promise<number[][]> {
  for (let w = 0; w < warmup; w++) for (const fn of fns) await fn();
  const results: number[][] = fns.map(() => []);
  for (let r = 0; r < reps; r++) {
    const order = [...fns.keys()];
    if (r % 2 === 1) order.reverse();
    for (const i of order) results[i]!.push(await fns[i]!());
    log(`  rep ${r + 1}/${reps}: ${results.map((x) => x[r]!.toFixed(1)).join(' / ')} tok/s`);
  }
  return results;
}

/**
 * The ratio of two contenders measured in the same repetitions: the median of the per-repetition ratios, with
 * the middle half of them. Pairing cancels slow drifts of the machine that a ratio of two medians keeps.
 */
export function pairedRatio(values: readonly number[], reference: readonly number[]): { median: number; low: number; high: number } {
  const n = Math.min(values.length, reference.length);
  const ratios = Array.from({ length: n }, (_, i) => values[i]! / reference[i]!).sort((a, b) => a - b);
  return { median: median(ratios), low: quantile(ratios, 0.25), high: quantile(ratios, 0.75) };
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Runs `fn` (which returns how many tokens it made) and measures wall and process CPU time. */
export async function measure(fn: () => Promise<number>): Promise<{ tokens: number; wallMs: number; cpuMs: number; tps: number; cpuTps: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const tokens = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { tokens, wallMs, cpuMs, tps: (tokens * 1000) / wallMs, cpuTps: (tokens * 1000) / cpuMs };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
