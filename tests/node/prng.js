// A small seeded generator for the property tests: reproducible from one 32-bit seed, no
// dependencies. Not for anything but tests.
//
// State update is Marsaglia's xorshift32 (shifts 13, 17, 5); the output is the state times an odd
// constant, which hides the weak low bits of plain xorshift. Each case gets its own generator,
// seeded from (run seed, case index) by `caseSeed`, so one case can be replayed without the ones
// before it.

/**
 * Scrambles a 32-bit value (a bijection, so distinct inputs give distinct outputs). The multiply
 * and xor-shift constants are those of the public-domain "lowbias32" integer hash.
 */
function scramble(x) {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The seed of case `index` in the run seeded with `seed`. */
export function caseSeed(seed, index) {
  return scramble((seed >>> 0) ^ scramble(index + 0x632be5ab));
}

export class Rng {
  constructor(seed) {
    this.state = scramble(seed >>> 0) || 0x2545f491; // xorshift must never hold 0
  }

  /** A uniform 32-bit unsigned integer. */
  u32() {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return Math.imul(this.state, 0x9e3779bb) >>> 0;
  }

  /** A float in [0, 1). */
  float() {
    return this.u32() / 2 ** 32;
  }

  /** An integer in [0, n). */
  int(n) {
    return Math.floor(this.float() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }

  chance(p) {
    return this.float() < p;
  }

  pick(items) {
    return items[this.int(items.length)];
  }

  /** Picks a key of `weights` ({name: weight}) with probability proportional to its weight. */
  weighted(weights) {
    const entries = Object.entries(weights);
    let r = this.float() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [name, w] of entries) {
      r -= w;
      if (r < 0) return name;
    }
    return entries[entries.length - 1][0];
  }

  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffled(items) {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
