/** Byte-level helpers for showing tokens faithfully. */

let byteLevelDecode: Map<string, number> | null = null;

/** The GPT-2 byte <-> printable-unicode table used by ByteLevel pre-tokenizers, inverted: char -> byte. */
export function byteLevelCharToByte(): Map<string, number> {
  if (byteLevelDecode) return byteLevelDecode;
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Map<string, number>();
  const taken = new Set(printable);
  for (const b of printable) map.set(String.fromCodePoint(b), b);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!taken.has(b)) map.set(String.fromCodePoint(256 + extra++), b);
  }
  byteLevelDecode = map;
  return map;
}

/** Length of the UTF-8 sequence starting with this lead byte, or 0 if it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function validSequence(bytes: ArrayLike<number>, i: number, n: number): boolean {
  if (i + n > bytes.length) return false;
  for (let k = 1; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
  const b0 = bytes[i]!;
  const b1 = bytes[i + 1]!;
  if (n === 3 && ((b0 === 0xe0 && b1 < 0xa0) || (b0 === 0xed && b1 >= 0xa0))) return false;
  if (n === 4 && ((b0 === 0xf0 && b1 < 0x90) || (b0 === 0xf4 && b1 >= 0x90))) return false;
  return true;
}

const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/** Bytes as text: valid UTF-8 sequences decoded, every other byte written as `<0xNN>` (never a U+FFFD). */
export function bytesToFaithfulText(bytes: ArrayLike<number>): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes[i]!);
    if (n > 0 && validSequence(bytes, i, n)) {
      let cp = n === 1 ? bytes[i]! : bytes[i]! & (0xff >> (n + 1));
      for (let k = 1; k < n; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
      out += String.fromCodePoint(cp);
      i += n;
    } else {
      out += hex(bytes[i]!);
      i++;
    }
  }
  return out;
}

/** UTF-8 decode that keeps invalid bytes visible as `<0xNN>` (used for the run's text). */
export function utf8Bytes(text: string): number[] {
  return Array.from(Buffer.from(text, 'utf8'));
}
