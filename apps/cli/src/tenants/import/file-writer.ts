import { ObjectStorage, objectKey, StagingArea } from '@cascade/storage';
import { openExportFile, resolveExportPath } from './export-validator';
import { CollectionWriter, CREATED_AT, createdBy, from, recordsetInsert } from './record-writers';

/**
 * File records: the bytes go through the staging area into object storage BEFORE the rows and
 * their storage quota are written (so no quota row lock is held while bytes move), and each row
 * is inserted `ready` in the batch's transaction. Ids are stable per external_id, so a batch that
 * rolled back, or a run killed after its uploads, puts the same objects again on rerun; a failed
 * batch also removes what it uploaded.
 */
export function fileWriter(storage: ObjectStorage, staging: StagingArea): CollectionWriter<'files'> {
  return {
    quota: { resource: 'storage_bytes', cost: (f) => f.size },

    async prepare(rows, ctx) {
      for (const { id, record: f } of rows) {
        const source = resolveExportPath(ctx.exportDir, f.path);
        if (typeof source !== 'string') throw new Error(`files ${f.external_id}: path ${source.reason}`);
        const path = staging.pathFor(ctx.tenantId, id);
        await staging.discard(path); // what a killed run may have left
        try {
          const staged = await staging.write(openExportFile(source), path);
          if (staged.size !== f.size || staged.sha256 !== f.sha256)
            throw new Error(`files ${f.external_id}: ${f.path} changed since it was validated`);
          await storage.putStaged(objectKey(ctx.tenantId, id), { path, ...staged, contentType: f.content_type });
        } finally {
          await staging.discard(path);
        }
      }
    },

    insert: recordsetInsert(
      'files',
      [
        from('id', 'uuid'),
        from('filename', 'text'),
        from('content_type', 'text'),
        from('size', 'bigint'),
        from('sha256', 'text'),
        { name: 'status', value: `'ready'` },
        { name: 'reserved_bytes', value: 'r.size' },
        from('created_by', 'uuid'),
        CREATED_AT,
        { name: 'updated_at', value: 'coalesce(r.created_at, now())' },
      ],
      ({ id, record: f }, ctx) => ({ ...f, id, created_by: createdBy(ctx, f.created_by) }),
    ),

    async undo(rows, ctx) {
      for (const { id } of rows) await storage.remove(objectKey(ctx.tenantId, id));
    },
  };
}
