/** A plain-text table: the first column left-aligned, numbers right-aligned, a rule under the header. */
export function textTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const format = (r: string[]) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(format)].join('\n');
}
