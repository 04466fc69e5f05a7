'use strict';
// Reads the app's Prometheus text and the few counters the benchmark compares before/after a phase.

async function scrape(baseUrl) {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics → ${res.status}`);
  return res.text();
}

/** Sum of a metric's samples whose labels include all of `labels` (e.g. { result: 'hit' }). */
function sum(text, name, labels = {}) {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] || '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

async function cacheCounters(baseUrl) {
  const text = await scrape(baseUrl);
  const name = 'cascade_cache_requests_total';
  return {
    hit: sum(text, name, { result: 'hit' }),
    miss: sum(text, name, { result: 'miss' }),
    error: sum(text, name, { result: 'error' }),
  };
}

module.exports = { scrape, sum, cacheCounters };
