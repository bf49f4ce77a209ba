/**
 * Seeded uniform draws. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state), seeded from
 * a 64-bit-safe integer through splitmix32. Every draw is a multiple of 2^-32 in [0, 1), so the JSON number in an
 * rng_draw record is exact and a replay feeds back the very same value.
 */

export type DrawPurpose = 'sample' | 'accept' | 'residual' | 'draft' | 'other';

export interface UniformSource {
  /** One uniform in [0, 1). */
  next(purpose: DrawPurpose): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer (got ${seed})`);
    const lo = Number(BigInt.asUintN(32, BigInt(seed)));
    const hi = Number(BigInt.asUintN(32, BigInt(seed) >> 32n));
    const mix = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix() | 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  uniform(): number {
    return this.nextUint32() / 4294967296;
  }
}

/** Draws from sfc32 and reports each draw (the trace's rng_draw records). */
export class RecordingRng implements UniformSource {
  private readonly gen: Sfc32;
  constructor(
    seed: number,
    private readonly onDraw: (u: number, purpose: DrawPurpose) => void,
  ) {
    this.gen = new Sfc32(seed);
  }
  next(purpose: DrawPurpose): number {
    const u = this.gen.uniform();
    this.onDraw(u, purpose);
    return u;
  }
}

/** Feeds back recorded draws in order: a sampled run replays exactly from its trace. */
export class ReplayRng implements UniformSource {
  private i = 0;
  constructor(
    private readonly draws: readonly number[],
    private readonly onDraw?: (u: number, purpose: DrawPurpose) => void,
  ) {}
  next(purpose: DrawPurpose): number {
    if (this.i >= this.draws.length) throw new Error(`replay ran out of recorded draws after ${this.draws.length}`);
    const u = this.draws[this.i++]!;
    this.onDraw?.(u, purpose);
    return u;
  }
  get used(): number {
    return this.i;
  }
}
