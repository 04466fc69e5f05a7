import { COLLECTIONS } from '../format/export-format';
import { formatProblem } from '../format/problem';
import { ExportReport } from '../export/tenant-exporter';
import { ImportReport } from '../import/import-report';
import { textTable } from './text-table';

/** The operator's reading of an import report: what happened, the table, and what to do next. */
export function importReportText(r: ImportReport): string {
  if (r.status === 'invalid') {
    const n = r.problems.length;
    return [
      `The export cannot be imported: ${n} problem${n === 1 ? '' : 's'}. Nothing was written.`,
      ...r.problems.map((p) => `  ${formatProblem(p)}`),
    ].join('\n');
  }
  const t = r.tenant;
  const lines: string[] = [];
  const createdHeader = r.dry_run ? 'would create' : 'created';
  lines.push(
    textTable(
      ['collection', 'total', createdHeader, 'skipped (existing)', 'failed'],
      COLLECTIONS.map((c) => [
        c,
        r.collections[c].total,
        r.collections[c].created,
        r.collections[c].skipped_existing,
        r.collections[c].failed,
      ]),
    ),
    '',
  );
  const created = COLLECTIONS.reduce((n, c) => n + r.collections[c].created, 0);
  const total = COLLECTIONS.reduce((n, c) => n + r.collections[c].total, 0);
  if (t) {
    const verb = r.dry_run ? (t.created ? 'would be created' : 'exists') : t.created ? 'created' : t.resumed ? 'resumed' : 'exists';
    lines.push(`Tenant ${t.slug} (${t.id}) ${verb}, plan ${t.plan}.`);
  }
  if (r.status === 'failed') {
    lines.push(
      `Import stopped: ${r.error}`,
      'Batches committed before it are kept. Run the same command again to resume; nothing is imported twice.',
    );
  } else if (r.dry_run) {
    lines.push(`Dry run: ${created} of ${total} records would be created. Nothing was written.`);
  } else if (created === 0 && t && !t.created) {
    lines.push(`Nothing new: all ${total} records were imported before.`);
  } else {
    lines.push(`Imported ${created} records in ${r.batches} transaction${r.batches === 1 ? '' : 's'}.`);
  }
  if (t && r.status === 'ok' && !r.dry_run) {
    lines.push(
      t.hosts.length
        ? `Users log in at ${t.hosts.map((h) => `https://${h}`).join(' or ')} (or POST /api/auth/login with X-Tenant-ID: ${t.slug}).`
        : // Without BASE_DOMAIN there is no host to name: the header is the way in.
          `Users log in with POST /api/auth/login and the header X-Tenant-ID: ${t.slug} (set BASE_DOMAIN for https://${t.slug}.<BASE_DOMAIN>).`,
    );
  }
  if (r.password_resets.length > 0) {
    const verb = r.dry_run ? 'would need' : 'need';
    lines.push(`${r.password_resets.length} user(s) ${verb} a password reset (no hash was imported; set one with PATCH /api/users/:id):`);
    lines.push(...r.password_resets.map((e) => `  ${e}`));
  }
  return lines.join('\n');
}

export function exportReportText(r: ExportReport): string {
  if (r.status !== 'ok')
    return `Export ${r.status === 'invalid' ? 'refused' : 'failed'}: ${r.error}${r.status === 'failed' ? ' (nothing was left behind)' : ''}`;
  const table = textTable(
    ['collection', 'exported'],
    COLLECTIONS.map((c) => [c, r.collections[c]]),
  );
  const t = r.tenant as NonNullable<ExportReport['tenant']>;
  return `${table}\n\nExported tenant ${t.slug} (${t.id}) to ${r.out} (${r.file_bytes} bytes of files).`;
}
