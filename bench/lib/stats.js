'use strict';

/** A growable array of float samples (latencies in ms), cheap to append to at high rates. */
class SampleBuffer {
  constructor(initial = 1 << 14) {
    this.values = new Float64Array(initial);
    this.length = 0;
  }

  push(v) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = v;
  }

  sorted() {
    return this.values.slice(0, this.length).sort();
  }
}

/** Exact percentiles (nearest rank) of a SampleBuffer or an array, in the samples' unit. */
function percentiles(samples) {
  const s = samples instanceof SampleBuffer ? samples.sorted() : Float64Array.from(samples).sort();
  if (!s.length) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null };
  const at = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  let sum = 0;
  for (const v of s) sum += v;
  const round = (v) => Math.round(v * 100) / 100;
  return {
    count: s.length,
    mean: round(sum / s.length),
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(s[s.length - 1]),
  };
}

module.exports = { SampleBuffer, percentiles };
