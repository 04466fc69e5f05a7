'use strict';

/** A plain-text table; `align` per column: 'l' or 'r' (numbers). */
function table(headers, rows, align = []) {
  const cells = [headers, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

const num = (v, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v)
    ? null
    : Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? null : `${(v * 100).toFixed(digits)} %`);
const times = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? null : `${v.toFixed(digits)}×`);
const mb = (bytes) => (bytes ? `${Math.round(bytes / 1e6)} MB` : null);

module.exports = { table, num, pct, times, mb };
