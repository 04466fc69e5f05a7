const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const SEPARATORS = /[\\/]/g;
const MAX_FILENAME_CHARS = 255;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The client's filename as metadata: its last path segment (some clients send a whole path),
 * NFC, without control characters, at most 255 characters. It is shown back and offered as the
 * download name, never used to build a path.
 */
export function cleanFilename(raw: string | undefined): string {
  const lastSegment = (raw ?? '').split(SEPARATORS).pop() ?? '';
  const cleaned = lastSegment.normalize('NFC').replace(CONTROL, '').trim();
  const name = cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
  return Array.from(name).slice(0, MAX_FILENAME_CHARS).join('');
}

/** A plain `type/subtype` (parameters dropped), or application/octet-stream for anything else. */
export function cleanContentType(raw: string | undefined): string {
  const type = (raw ?? '').split(';')[0].trim().toLowerCase();
  return MIME.test(type) ? type : 'application/octet-stream';
}

// RFC 5987 attr-char: everything else is percent-encoded as UTF-8.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function encodeExtValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `attachment` with the filename twice (RFC 6266): `filename*` in UTF-8 for clients that read it,
 * and an ASCII fallback for those that don't. Quotes, backslashes, CR/LF and other controls, path
 * separators and `%` (which some browsers decode) never reach the header.
 */
export function contentDisposition(filename: string): string {
  const safe = filename.replace(CONTROL, '').replace(SEPARATORS, '_').replace(/"/g, "'") || 'file';
  const ascii = safe
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|[%\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(safe)}`;
}

/** The strong ETag of a stored file: its sha256. */
export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/** If-None-Match (RFC 9110 §13.1.2): `*` or a list of tags, compared weakly. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
