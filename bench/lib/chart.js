'use strict';
// A hand-written SVG of one run: throughput at saturation per server, and p50/p95/p99 latency per
// server under that load. No chart library: rectangles and text.

const COLORS = { a: '#4c78a8', a1: '#72b7b2', a_app: '#54a24b', b: '#9d9d9d', p: '#b279a2', c_db: '#f58518', c: '#e45756' };
const PCT_COLORS = ['#bcd5ec', '#6a9fd0', '#2b5d8e'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n) => (n === 0 ? '0' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** A "nice" upper bound for an axis: 1, 2 or 5 × 10^k above `max`. */
function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max);
}

function axis(x, y, w, h, max, unit) {
  const out = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const yy = y + h - (h * i) / 4;
    out.push(`<line x1="${x}" y1="${yy}" x2="${x + w}" y2="${yy}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x - 6}" y="${yy + 4}" text-anchor="end" class="tick">${esc(fmt(v))}</text>`);
  }
  out.push(
    `<text x="${x - 40}" y="${y + h / 2}" transform="rotate(-90 ${x - 40} ${y + h / 2})" text-anchor="middle" class="tick">${esc(unit)}</text>`,
  );
  return out.join('');
}

/**
 * @param servers [{ key, label, rps, latency: { p50, p95, p99 } }]
 * @param title, subtitle, footer  text lines
 */
function renderChart({ servers, title, subtitle, footer }) {
  const W = 1240;
  const H = 460;
  const top = 80;
  const plotH = 260;
  const parts = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
  );
  parts.push(
    '<style>.t{font-size:18px;font-weight:bold}.s{font-size:12px;fill:#555}.tick{font-size:11px;fill:#666}.lbl{font-size:10px;fill:#222}.v{font-size:11px;fill:#222}.h{font-size:13px;font-weight:bold}</style>',
  );
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="20" y="28" class="t">${esc(title)}</text>`);
  parts.push(`<text x="20" y="48" class="s">${esc(subtitle)}</text>`);

  // Panel 1: throughput.
  const x1 = 70;
  const w1 = 520;
  const maxRps = niceMax(Math.max(...servers.map((s) => s.rps || 0)));
  parts.push(`<text x="${x1}" y="${top - 10}" class="h">Throughput at saturation (req/s)</text>`);
  parts.push(axis(x1, top, w1, plotH, maxRps, 'req/s'));
  const slot1 = w1 / servers.length;
  servers.forEach((s, i) => {
    const h = ((s.rps || 0) / maxRps) * plotH;
    const bx = x1 + i * slot1 + slot1 * 0.18;
    const bw = slot1 * 0.64;
    parts.push(`<rect x="${bx}" y="${top + plotH - h}" width="${bw}" height="${h}" fill="${COLORS[s.key] || '#888'}"/>`);
    parts.push(`<text x="${bx + bw / 2}" y="${top + plotH - h - 4}" text-anchor="middle" class="v">${esc(fmt(s.rps || 0))}</text>`);
    s.label
      .split('\n')
      .forEach((line, li) =>
        parts.push(`<text x="${bx + bw / 2}" y="${top + plotH + 16 + li * 13}" text-anchor="middle" class="lbl">${esc(line)}</text>`),
      );
  });

  // Panel 2: latency percentiles.
  const x2 = 680;
  const w2 = 540;
  const maxLat = niceMax(Math.max(...servers.flatMap((s) => [s.latency.p50, s.latency.p95, s.latency.p99].map((v) => v || 0))));
  parts.push(`<text x="${x2}" y="${top - 10}" class="h">Latency under that load (ms)</text>`);
  parts.push(axis(x2, top, w2, plotH, maxLat, 'ms'));
  const slot2 = w2 / servers.length;
  servers.forEach((s, i) => {
    const bw = (slot2 * 0.78) / 3;
    ['p50', 'p95', 'p99'].forEach((p, pi) => {
      const v = s.latency[p] || 0;
      const h = (v / maxLat) * plotH;
      const bx = x2 + i * slot2 + slot2 * 0.11 + pi * bw;
      parts.push(`<rect x="${bx}" y="${top + plotH - h}" width="${bw - 1}" height="${h}" fill="${PCT_COLORS[pi]}"/>`);
      if (p === 'p99')
        parts.push(`<text x="${bx + bw / 2}" y="${top + plotH - h - 4}" text-anchor="middle" class="v">${esc(fmt(v))}</text>`);
    });
    s.label
      .split('\n')
      .forEach((line, li) =>
        parts.push(
          `<text x="${x2 + i * slot2 + slot2 / 2}" y="${top + plotH + 16 + li * 13}" text-anchor="middle" class="lbl">${esc(line)}</text>`,
        ),
      );
  });
  ['p50', 'p95', 'p99'].forEach((p, pi) => {
    parts.push(`<rect x="${x2 + 250 + pi * 50}" y="${top - 24}" width="10" height="10" fill="${PCT_COLORS[pi]}"/>`);
    parts.push(`<text x="${x2 + 264 + pi * 50}" y="${top - 15}" class="tick">${p}</text>`);
  });

  footer.forEach((line, i) => parts.push(`<text x="20" y="${top + plotH + 62 + i * 16}" class="s">${esc(line)}</text>`));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

module.exports = { renderChart };
