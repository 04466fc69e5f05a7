/** A stored file as the API shows it (contract: {id, filename, size, content_type, sha256, created_at}). */
export interface FileView {
  id: string;
  filename: string;
  size: number;
  content_type: string;
  sha256: string;
  created_at: Date;
}

export const FILE_COLUMNS = 'id, filename, size, content_type, sha256, created_at';

/** pg returns bigint as a string; sizes stay far below 2^53. */
export type FileRow = Omit<FileView, 'size'> & { size: string };

export function toFileView(row: FileRow): FileView {
  return { ...row, size: Number(row.size) };
}
