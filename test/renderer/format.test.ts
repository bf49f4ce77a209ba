import { describe, expect, it } from 'vitest';
import { formatCount, formatProb, formatSigned, formatMs, formatPercent, tokenPieces, tokenLabel } from '../../renderer/src/format/format';

describe('number formatting', () => {
  it('shows probabilities with 2–3 significant digits and tiny ones in exponent form', () => {
    expect(formatProb(0.53125)).toBe('0.531');
    expect(formatProb(0.5)).toBe('0.5');
    expect(formatProb(0.04321)).toBe('0.043');
    expect(formatProb(0.0012)).toBe('0.0012');
    expect(formatProb(0.00004321)).toBe('4.3e-5');
    expect(formatProb(0)).toBe('0');
    expect(formatProb(1)).toBe('1');
    expect(formatProb(null)).toBe('—');
  });
  it('signs log-probabilities and shows masked values as −∞', () => {
    expect(formatSigned(-0.2345)).toBe('−0.23');
    expect(formatSigned(1.5)).toBe('+1.50');
    expect(formatSigned(null)).toBe('−∞');
    expect(formatSigned(-Infinity)).toBe('−∞');
    expect(formatSigned(0)).toBe('0.00');
  });
  it('formats times and percentages', () => {
    expect(formatMs(0.4213)).toBe('0.42 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatPercent(0.264)).toBe('26%');
    expect(formatPercent(0.05)).toBe('5.0%');
    expect(formatPercent(null)).toBe('—');
  });
  it('writes counts with thousands separators, like toLocaleString en-US', () => {
    expect(formatCount(50257)).toBe('50,257');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234567)).toBe((1234567).toLocaleString('en-US'));
    expect(formatCount(0)).toBe('0');
  });
});

describe('token pieces', () => {
  it('marks spaces, newlines and tabs', () => {
    expect(tokenLabel(' the')).toBe('·the');
    expect(tokenLabel('\n   ')).toBe('↵···');
    expect(tokenLabel('\tx')).toBe('→x');
    expect(tokenPieces(' a').map((p) => p.kind)).toEqual(['space', 'text']);
  });
  it('shows <0xNN> byte runs as hex pieces', () => {
    const pieces = tokenPieces('<0xE2><0x80>a');
    expect(pieces).toEqual([
      { kind: 'byte', text: 'E2' },
      { kind: 'byte', text: '80' },
      { kind: 'text', text: 'a' },
    ]);
  });
  it('never shows a replacement character: raw bytes as hex when known', () => {
    expect(tokenPieces('\uFFFD', [0xe2, 0x80])).toEqual([
      { kind: 'byte', text: 'E2' },
      { kind: 'byte', text: '80' },
    ]);
    expect(tokenLabel('\uFFFD')).not.toContain('\uFFFD');
  });
  it('shows other control characters as hex', () => {
    expect(tokenPieces('\u0001')).toEqual([{ kind: 'byte', text: '01' }]);
  });
});
