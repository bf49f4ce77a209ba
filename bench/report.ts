/** Markdown rendering of bench results. */
import { cpus, loadavg } from 'node:os';
import { median, type SectionResult } from './registry';

const f = (n: number, d = 1) => n.toFixed(d);

export function sectionMarkdown(result: SectionResult): string {
  const byName = new Map(result.contenders.map((c) => [c.name, c]));
  const base = median(byName.get(result.baseline)!.tokensPerSecond);
  const withCpu = result.contenders.every((c) => c.tokensPerCpuSecond && c.tokensPerCpuSecond.length > 0);
  const baseCpu = withCpu ? median(byName.get(result.baseline)!.tokensPerCpuSecond!) : 0;
  const lines = [
    `### ${result.title}`,
    '',
    `| contender | tokens/s (median) | min–max | ratio vs ${result.baseline} | goal |${withCpu ? ' tokens per CPU-s | CPU ratio |' : ''}`,
    `|---|---:|---:|---:|---|${withCpu ? '---:|---:|' : ''}`,
  ];
  for (const c of result.contenders) {
    const med = median(c.tokensPerSecond);
    const ratio = med / base;
    const goal = c.goal === undefined ? '' : `≥ ${c.goal.toFixed(2)}× ${ratio >= c.goal ? '✅' : '❌'}`;
    const cpu = withCpu ? ` ${f(median(c.tokensPerCpuSecond!))} | ${f(median(c.tokensPerCpuSecond!) / baseCpu, 3)}× |` : '';
    lines.push(`| ${c.name} | ${f(med)} | ${f(Math.min(...c.tokensPerSecond))}–${f(Math.max(...c.tokensPerSecond))} | ${f(ratio, 3)}× | ${goal} |${cpu}`);
  }
  for (const extra of result.extraRatios ?? []) {
    const ratio = median(byName.get(extra.contender)!.tokensPerSecond) / median(byName.get(extra.reference)!.tokensPerSecond);
    const goal = extra.goal === undefined ? '' : ` (goal ≥ ${extra.goal.toFixed(2)}× ${ratio >= extra.goal ? '✅' : '❌'})`;
    lines.push('', `${extra.contender} / ${extra.reference}: **${f(ratio, 3)}×**${goal}`);
  }
  lines.push('');
  for (const c of result.contenders) lines.push(`- ${c.name}: ${c.detail}; ${c.tokensPerSecond.length} reps of ${c.tokens} tokens.`);
  for (const n of result.notes) lines.push(`- ${n}`);
  return lines.join('\n') + '\n';
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Node ${process.version}, ${cpus().length} × ${cpu}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start`;
}
