/**
 * Does a statement on a tenant-owned table name its tenant explicitly? Row-level security filters
 * anyway, but Citus routes a statement to one shard only by an explicit `tenant_id = $n` on the
 * distribution column (without it, every shard is asked), and PostgreSQL plans the tenant-leading
 * indexes better with it. The rules, per reference to a tenant table:
 *
 * - read / change (FROM, JOIN, UPDATE, DELETE, USING): `alias.tenant_id = $n` (or `$n = …`), or
 *   unqualified `tenant_id = $n` in the same (sub-)query; or `alias.tenant_id = other.tenant_id`
 *   where `other` is held to a parameter that way (a co-located join).
 * - INSERT: a `tenant_id` column whose value is a bind parameter in every VALUES row (or in the
 *   select list of INSERT … SELECT) — `current_setting(...)` is not enough: Citus routes an
 *   INSERT by the value it can see.
 *
 * A lexical check, not a full SQL parser: it is written for the statements this code base sends
 * (string literals and comments are blanked first, so text inside them never counts).
 */

interface Reference {
  table: string;
  alias: string | null;
  at: number;
  scope: number;
  insertTarget: boolean;
}

const STATEMENT_KINDS = new Set(['select', 'insert', 'update', 'delete', 'with']);
const NOT_AN_ALIAS = new Set([
  'where',
  'set',
  'on',
  'join',
  'left',
  'right',
  'inner',
  'full',
  'cross',
  'natural',
  'group',
  'order',
  'limit',
  'offset',
  'for',
  'returning',
  'values',
  'using',
  'union',
  'except',
  'intersect',
  'having',
  'window',
  'select',
  'default',
  'as',
]);
const PARAM = String.raw`\$\d+(?:::uuid)?`;
const COLUMN = String.raw`(?:([a-z_][a-z0-9_]*)\.)?tenant_id`;

/** Blank out comments and string literals (keeping positions), lower-case the rest. */
function blank(sqlText: string): string {
  let out = '';
  for (let i = 0; i < sqlText.length;) {
    const two = sqlText.slice(i, i + 2);
    if (two === '--') {
      const end = sqlText.indexOf('\n', i);
      const stop = end < 0 ? sqlText.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (two === '/*') {
      const end = sqlText.indexOf('*/', i + 2);
      const stop = end < 0 ? sqlText.length : end + 2;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (sqlText[i] === "'") {
      let j = i + 1;
      while (j < sqlText.length && !(sqlText[j] === "'" && sqlText[j + 1] !== "'")) j += sqlText[j] === "'" ? 2 : 1;
      out += `'${' '.repeat(Math.max(0, j - i - 1))}'`;
      i = j + 1;
    } else {
      out += sqlText[i].toLowerCase();
      i += 1;
    }
  }
  return out;
}

/** Top-level pieces of `text` split at `sep` (outside parentheses). */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Where `word` first occurs outside parentheses, or -1. */
function topLevelWord(text: string, word: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (
      depth === 0 &&
      text.startsWith(word, i) &&
      !/[a-z0-9_]/.test(text[i - 1] ?? ' ') &&
      !/[a-z0-9_]/.test(text[i + word.length] ?? ' ')
    )
      return i;
  }
  return -1;
}

/** For each position, the start of the innermost enclosing (sub-)query (0 for the statement itself). */
function queryScopes(text: string): number[] {
  const scopes = new Array<number>(text.length);
  const stack: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') {
      const isQuery = /^\s*(select|with|insert|update|delete)\b/.test(text.slice(i + 1, i + 16));
      stack.push(isQuery ? i + 1 : stack[stack.length - 1]);
    } else if (text[i] === ')' && stack.length > 1) stack.pop();
    scopes[i] = stack[stack.length - 1];
  }
  return scopes;
}

/** The matching `)` of the `(` at `open`. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}

function insertProblems(stmt: string, ref: Reference, afterTarget: number): string[] {
  const name = `INSERT INTO cascade.${ref.table}`;
  const open = stmt.indexOf('(', afterTarget);
  if (open < 0 || stmt.slice(afterTarget, open).trim() !== '') return [`${name} without a column list`];
  const close = closing(stmt, open);
  const columns = splitTop(stmt.slice(open + 1, close), ',').map((c) => c.trim());
  const at = columns.indexOf('tenant_id');
  if (at < 0) return [`${name} does not set tenant_id`];
  const rest = stmt.slice(close + 1).trimStart();
  const rows: string[] = [];
  if (rest.startsWith('values')) {
    let i = stmt.indexOf('values', close) + 'values'.length;
    for (;;) {
      while (/\s/.test(stmt[i] ?? '')) i++;
      if (stmt[i] !== '(') break;
      const end = closing(stmt, i);
      rows.push(stmt.slice(i + 1, end));
      i = end + 1;
      while (/\s/.test(stmt[i] ?? '')) i++;
      if (stmt[i] !== ',') break;
      i++;
    }
  } else if (rest.startsWith('select')) {
    const body = rest.slice('select'.length);
    const from = topLevelWord(body, 'from');
    rows.push(from < 0 ? body : body.slice(0, from));
  } else return [`${name}: neither VALUES nor SELECT after the column list`];
  if (!rows.length) return [`${name}: no VALUES rows found`];
  return rows.some((row) => !new RegExp(`^\\s*${PARAM}\\s*$`).test(splitTop(row, ',')[at] ?? ''))
    ? [`${name}: the tenant_id value is not a bind parameter`]
    : [];
}

function statementProblems(stmt: string, tenantTables: ReadonlySet<string>): string[] {
  const kind = /^\s*([a-z]+)/.exec(stmt)?.[1];
  if (!kind || !STATEMENT_KINDS.has(kind)) return [];
  const scopes = queryScopes(stmt);
  const refs: Reference[] = [];
  const refPattern = /\bcascade\.([a-z_][a-z0-9_]*)\b(?!\s*\.)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?/g;
  const problems: string[] = [];
  for (let m = refPattern.exec(stmt); m; m = refPattern.exec(stmt)) {
    if (!tenantTables.has(m[1])) continue;
    const alias = m[2] && !NOT_AN_ALIAS.has(m[2]) ? m[2] : null;
    const before = stmt.slice(0, m.index).trimEnd();
    const ref = { table: m[1], alias, at: m.index, scope: scopes[m.index] ?? 0, insertTarget: /\binto$/.test(before) };
    if (ref.insertTarget) {
      const afterTarget = m.index + m[0].length - (m[2] && !alias ? m[2].length : 0);
      problems.push(...insertProblems(stmt, ref, afterTarget));
    } else refs.push(ref);
  }
  if (!refs.length) return problems;

  // Union-find over the references and one node for "a bind parameter".
  const parent = refs.map((_, i) => i).concat(refs.length);
  const param = refs.length;
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const union = (a: number, b: number) => void (parent[find(a)] = find(b));
  const resolve = (qualifier: string | undefined, at: number): number[] =>
    refs
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => (qualifier ? (r.alias ?? r.table) === qualifier : r.scope === (scopes[at] ?? 0)))
      .map(({ i }) => i);

  const toParam = new RegExp(`${COLUMN}\\s*=\\s*${PARAM}(?![\\d.])|${PARAM}\\s*=\\s*${COLUMN}`, 'g');
  for (let m = toParam.exec(stmt); m; m = toParam.exec(stmt)) {
    for (const i of resolve(m[1] ?? m[2], m.index)) union(i, param);
  }
  const join = new RegExp(`${COLUMN}\\s*=\\s*${COLUMN}`, 'g');
  for (let m = join.exec(stmt); m; m = join.exec(stmt)) {
    const left = resolve(m[1], m.index);
    const right = resolve(m[2], m.index);
    for (const a of left) for (const b of right) union(a, b);
  }
  refs.forEach((r, i) => {
    if (find(i) !== find(param)) problems.push(`cascade.${r.table}${r.alias ? ` ${r.alias}` : ''} is not held to tenant_id = $n`);
  });
  return problems;
}

/** Why a statement (possibly several separated by `;`) fails the rule; empty when it passes. */
export function tenantPredicateProblems(sqlText: string, tenantTables: ReadonlySet<string>): string[] {
  return splitTop(blank(sqlText), ';').flatMap((stmt) => statementProblems(stmt, tenantTables));
}
