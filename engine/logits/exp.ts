/**
 * e^x for x <= 0, bit for bit what Math.exp returns, about a third cheaper in the recording hot path (a sum of
 * e^(s−max) over the whole vocabulary per recorded distribution). V8's Math.exp is fdlibm's exp behind a call into
 * C++; most of its cost is that call. The common case is computed here with the same steps in the same double
 * arithmetic (JavaScript has no fused multiply-add, so every rounding matches):
 *   x = k·ln2 + r with k = trunc(x/ln2 − ½) and ln2 split into a high part exact in k·ln2hi and a low part,
 *   e^r = 1 − ((lo − r·c/(2 − c)) − hi) with c = r − r²·P(r²), a degree-5 minimax polynomial,
 *   e^x = e^r · 2^k (exact scaling).
 * Near 0 (|x| < 1.5·ln2, fdlibm takes other branches there) and below −708 (subnormal results) it defers to
 * Math.exp. Equality with Math.exp is tested on tens of millions of arguments (test/engine/logits-fast-paths).
 */

const words = new DataView(new ArrayBuffer(8));
/** The double with these IEEE-754 high and low 32-bit words (fdlibm states its constants this way). */
function fromWords(hi: number, lo: number): number {
  words.setUint32(0, hi);
  words.setUint32(4, lo);
  return words.getFloat64(0);
}

const LN2_HI = fromWords(0x3fe62e42, 0xfee00000);
const LN2_LO = fromWords(0x3dea39ef, 0x35793c76);
const INV_LN2 = fromWords(0x3ff71547, 0x652b82fe);
const P1 = fromWords(0x3fc55555, 0x5555553e);
const P2 = fromWords(0xbf66c16c, 0x16bebd93);
const P3 = fromWords(0x3f11566a, 0xaf25de2c);
const P4 = fromWords(0xbebbbd41, 0xc5d26bf1);
const P5 = fromWords(0x3e663769, 0x72bea4d0);
/** −1.5·ln2 as fdlibm's branch tests it (high word 0x3ff0a2b2, low word 0): at or below it, the general path. */
const GENERAL_BELOW = -fromWords(0x3ff0a2b2, 0);
/** Above this the result e^r·2^k is a normal double, so the scaling is one exact multiplication. */
const NORMAL_ABOVE = -708;

/** SCALE[j] = 2^−j, exact for every j the general path can need here (k from −2 down to −1022). */
const SCALE = new Float64Array(1024);
for (let j = 0, v = 1; j < SCALE.length; j++, v /= 2) SCALE[j] = v;

/** e^x for x <= 0 (any x works: outside the fast range it is Math.exp). */
export function expNonPositive(x: number): number {
  if (x > GENERAL_BELOW || !(x > NORMAL_ABOVE)) return Math.exp(x);
  const k = Math.trunc(INV_LN2 * x - 0.5);
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  return (1 - (lo - (r * c) / (2 - c) - hi)) * SCALE[-k]!;
}
