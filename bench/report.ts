/** Markdown rendering of bench results. */
import { cpus, loadavg } from 'node:os';
import { median, pairedRatio, type SectionResult } from './registry';

const f = (n: number, d = 1) => n.toFixed(d);

export function sectionMarkdown(result: SectionResult): string {
  const byName = new Map(result.contenders.map((c) => [c.name, c]));
  const base = byName.get(result.baseline)!;
  const withCpu = result.contenders.every((c) => c.tokensPerCpuSecond && c.tokensPerCpuSecond.length > 0);
  const lines = [
    `### ${result.title}`,
    '',
    `| contender | tokens/s (median) | min–max | ratio vs ${result.baseline} (middle half) | goal |${withCpu ? ' tokens per CPU-s | CPU ratio |' : ''}`,
    `|---|---:|---:|---:|---|${withCpu ? '---:|---:|' : ''}`,
  ];
  for (const c of result.contenders) {
    const r = pairedRatio(c.tokensPerSecond, base.tokensPerSecond);
    const goal = c.goal === undefined ? '' : `≥ ${c.goal.toFixed(2)}× ${r.median >= c.goal ? '✅' : '❌'}`;
    const cpu = withCpu ? ` ${f(median(c.tokensPerCpuSecond!))} | ${f(pairedRatio(c.tokensPerCpuSecond!, base.tokensPerCpuSecond!).median, 3)}× |` : '';
    const spread = c === base ? '' : ` (${f(r.low, 2)}–${f(r.high, 2)})`;
    lines.push(`| ${c.name} | ${f(median(c.tokensPerSecond))} | ${f(Math.min(...c.tokensPerSecond))}–${f(Math.max(...c.tokensPerSecond))} | ${f(r.median, 3)}×${spread} | ${goal} |${cpu}`);
  }
  for (const extra of result.extraRatios ?? []) {
    const r = pairedRatio(byName.get(extra.contender)!.tokensPerSecond, byName.get(extra.reference)!.tokensPerSecond);
    const goal = extra.goal === undefined ? '' : ` (goal ≥ ${extra.goal.toFixed(2)}× ${r.median >= extra.goal ? '✅' : '❌'})`;
    lines.push('', `${extra.contender} / ${extra.reference}: **${f(r.median, 3)}×** (middle half ${f(r.low, 2)}–${f(r.high, 2)})${goal}`);
  }
  lines.push('', 'Ratios are medians of per-repetition ratios (each repetition runs every contender once, in alternating order).', '');
  for (const c of result.contenders) lines.push(`- ${c.name}: ${c.detail}; ${c.tokensPerSecond.length} reps of ${c.tokens} tokens.`);
  for (const n of result.notes) lines.push(`- ${n}`);
  return lines.join('\n') + '\n';
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Node ${process.version}, ${cpus().length} × ${cpu}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start`;
}
