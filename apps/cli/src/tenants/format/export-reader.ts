import { createReadStream, existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { COLLECTIONS, CollectionName, MANIFEST_FILE, ndjsonFile } from './export-format';
import { Problem, RecordLocation } from './problem';

export interface RawRecord extends Required<Pick<RecordLocation, 'file' | 'collection' | 'index'>> {
  line?: number;
  value: unknown;
  /** The NDJSON line was not JSON (then `value` is undefined). */
  jsonError?: string;
}

type Source = { kind: 'inline'; items: unknown[] } | { kind: 'ndjson'; file: string } | { kind: 'none' };

/**
 * Reads an export directory (or its tenant.json): the manifest once, and each collection as a
 * stream of raw records, from the inline array or from `<collection>.ndjson` line by line, so a
 * collection of millions never sits in memory. Unreadable input becomes problems, not exceptions.
 */
export class ExportReader {
  private constructor(
    readonly dir: string,
    readonly manifestFile: string,
    /** tenant.json without its inline collections; null when it could not be read. */
    readonly manifest: Record<string, unknown> | null,
    private readonly sources: Map<CollectionName, Source>,
    readonly problems: Problem[],
  ) {}

  static open(path: string): ExportReader {
    const target = resolve(path);
    const isManifest = existsSync(target) && statSync(target).isFile();
    const dir = isManifest ? dirname(target) : target;
    const manifestFile = isManifest ? basename(target) : MANIFEST_FILE;
    const problems: Problem[] = [];
    const sources = new Map<CollectionName, Source>();
    const manifest = readManifest(resolve(dir, manifestFile), manifestFile, problems);
    for (const collection of COLLECTIONS) {
      const inline = manifest?.[collection];
      const ndjson = ndjsonFile(collection);
      const hasFile = existsSync(resolve(dir, ndjson));
      if (manifest) delete manifest[collection];
      if (inline !== undefined && hasFile) {
        problems.push({ file: manifestFile, field: collection, reason: `given both inline and as ${ndjson}; keep one` });
        sources.set(collection, { kind: 'none' });
      } else if (inline !== undefined) {
        if (Array.isArray(inline)) sources.set(collection, { kind: 'inline', items: inline });
        else {
          problems.push({ file: manifestFile, field: collection, reason: 'must be an array of records' });
          sources.set(collection, { kind: 'none' });
        }
      } else if (hasFile && lstatSync(resolve(dir, ndjson)).isSymbolicLink()) {
        problems.push({ file: ndjson, reason: 'is a symbolic link; links are never followed' });
        sources.set(collection, { kind: 'none' });
      } else {
        sources.set(collection, hasFile ? { kind: 'ndjson', file: ndjson } : { kind: 'none' });
      }
    }
    return new ExportReader(dir, manifestFile, manifest, sources, problems);
  }

  /** The raw records of a collection in file order (a line that is not JSON is one too, with its error). */
  async *records(collection: CollectionName): AsyncGenerator<RawRecord> {
    const source = this.sources.get(collection) ?? { kind: 'none' };
    if (source.kind === 'inline') {
      for (const [index, value] of source.items.entries()) yield { file: this.manifestFile, collection, index, value };
      return;
    }
    if (source.kind === 'none') return;
    const input = createReadStream(resolve(this.dir, source.file), 'utf8');
    const lines = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    let index = 0;
    try {
      for await (const text of lines) {
        line += 1;
        if (text.trim() === '') continue;
        yield { file: source.file, line, collection, index, ...parseJson(text) };
        index += 1;
      }
    } finally {
      // Also when the reader stops early (a failed batch): no file handle outlives the run.
      lines.close();
      input.destroy();
    }
  }
}

function readManifest(path: string, file: string, problems: Problem[]): Record<string, unknown> | null {
  if (!existsSync(path)) {
    problems.push({ file, reason: 'not found: an export is a directory with tenant.json' });
    return null;
  }
  if (lstatSync(path).isSymbolicLink()) {
    problems.push({ file, reason: 'is a symbolic link; links are never followed' });
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push({ file, reason: `not valid JSON (${(err as Error).message})` });
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push({ file, reason: 'must hold a JSON object' });
    return null;
  }
  return parsed as Record<string, unknown>;
}

function parseJson(text: string): { value: unknown; jsonError?: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { value: undefined, jsonError: (err as Error).message };
  }
}
