// Unknown-field check for Kubernetes manifests.
//
// kubernetes-models validates types, formats and required fields with the OpenAPI
// schemas, but those schemas let unknown keys through (as the API server would
// drop them silently). This module walks the TypeScript declarations that ship
// with the same packages (one interface per OpenAPI definition, e.g.
// kubernetes-models/apps/v1/DeploymentSpec.d.ts) and reports every key of a
// manifest that its type does not declare, the way `kubectl apply
// --validate=strict` would.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const nodeModules = path.resolve(path.dirname(require.resolve('yaml/package.json')), '..');

const LEAF = { kind: 'leaf' };
const files = new Map();

function packageFile(spec) {
  const parts = spec.split('/');
  const pkgLen = spec.startsWith('@') ? 2 : 1;
  const pkg = parts.slice(0, pkgLen).join('/');
  const sub = parts.slice(pkgLen).join('/');
  const base = path.join(nodeModules, pkg, sub);
  for (const candidate of [base + '.d.ts', path.join(base, 'index.d.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function resolveSpec(spec, fromFile) {
  if (spec.startsWith('.')) {
    const p = path.resolve(path.dirname(fromFile), spec).replace(/\.js$/, '');
    return fs.existsSync(p + '.d.ts') ? p + '.d.ts' : null;
  }
  return packageFile(spec);
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

// Index of the bracket closing the one opened at text[start].
function matching(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '<' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === '>' || c === ')' || c === ']') {
      depth--;
      if (depth === 0) return i;
    } else if (c === '"') {
      i = text.indexOf('"', i + 1);
    }
  }
  throw new Error('unbalanced brackets');
}

// Split on a separator found at bracket depth 0.
function splitTop(text, sep) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const j = text.indexOf('"', i + 1);
      cur += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '{' || c === '<' || c === '(' || c === '[') depth++;
    if (c === '}' || c === '>' || c === ')' || c === ']') depth--;
    if (depth === 0 && c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

function parseFile(file) {
  if (files.has(file)) return files.get(file);
  const text = stripComments(fs.readFileSync(file, 'utf8'));
  const info = { file, imports: new Map(), interfaces: new Map(), types: new Map(), aliases: new Map() };
  for (const m of text.matchAll(/^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";/gm)) {
    for (const part of m[1].split(',')) {
      const [orig, local] = part.trim().split(/\s+as\s+/);
      if (orig) info.imports.set((local || orig).trim(), { name: orig.trim(), spec: m[2] });
    }
  }
  for (const m of text.matchAll(/^export type \{([^}]*)\};/gm)) {
    for (const part of m[1].split(',')) {
      const [orig, alias] = part.trim().split(/\s+as\s+/);
      if (alias) info.aliases.set(alias.trim(), orig.trim());
    }
  }
  for (const m of text.matchAll(/^export type (\w+) = ([^;]+);/gm)) info.types.set(m[1], m[2].trim());
  for (const m of text.matchAll(/^export interface (\w+)(?:\s+extends\s+([^{]+))?\s*\{/gm)) {
    const open = m.index + m[0].length - 1;
    const body = text.slice(open + 1, matching(text, open));
    info.interfaces.set(m[1], { body, extends: m[2] ? m[2].split(',').map((s) => s.trim()) : [] });
  }
  files.set(file, info);
  return info;
}

function parseProps(body, file) {
  const props = new Map();
  for (const member of splitTop(body, ';')) {
    const m = /^"?([^"?:]+)"?\??\s*:\s*([\s\S]+)$/.exec(member);
    if (!m || m[1].startsWith('[')) continue;
    props.set(m[1], { expr: m[2].trim(), file });
  }
  return props;
}

// Type expression -> node: leaf | {array, of} | {map, of} | {object, props(lazy)}
function typeOf(expr, file, seen = new Set()) {
  const e = expr.trim();
  if (/^(string|number|boolean|any|unknown|null|undefined|object|true|false)$/.test(e) || /^"[^"]*"$/.test(e) || /^-?\d/.test(e)) return LEAF;
  const union = splitTop(e, '|');
  if (union.length > 1) {
    const nodes = union.map((u) => typeOf(u, file, seen)).filter((n) => n.kind !== 'leaf');
    return nodes.length === 1 ? nodes[0] : LEAF;
  }
  let m = /^Array<([\s\S]+)>$/.exec(e);
  if (m) return { kind: 'array', of: () => typeOf(m[1], file, seen) };
  if (e.endsWith('[]')) return { kind: 'array', of: () => typeOf(e.slice(0, -2), file, seen) };
  if (e.startsWith('{') && e.endsWith('}')) {
    const inner = e.slice(1, -1).trim();
    m = /^\[\w+:\s*string\]\s*:\s*([\s\S]+?);?$/.exec(inner);
    if (m) return { kind: 'map', of: () => typeOf(m[1], file, seen) };
    const props = parseProps(inner, file);
    return { kind: 'object', props: () => props };
  }
  if (/^\w+$/.test(e)) return resolveName(e, file, seen);
  return LEAF;
}

function resolveName(name, file, seen) {
  const key = file + '#' + name;
  if (seen.has(key)) return LEAF;
  const info = parseFile(file);
  if (info.interfaces.has(name)) return interfaceNode(info, name);
  if (info.types.has(name)) return typeOf(info.types.get(name), file, new Set([...seen, key]));
  if (info.aliases.has(name)) return resolveName(info.aliases.get(name), file, new Set([...seen, key]));
  if (info.imports.has(name)) {
    const imp = info.imports.get(name);
    const target = resolveSpec(imp.spec, file);
    if (target) return resolveName(imp.name, target, new Set([...seen, key]));
  }
  return LEAF; // TypeMeta, ModelData, ...: carry no fields of their own here
}

const interfaceCache = new Map();
function interfaceNode(info, name) {
  const key = info.file + '#' + name;
  if (interfaceCache.has(key)) return interfaceCache.get(key);
  const node = {
    kind: 'object',
    name,
    props: () => {
      if (node._props) return node._props;
      const iface = info.interfaces.get(name);
      const props = new Map();
      for (const base of iface.extends) {
        const b = resolveName(base.replace(/<.*$/, ''), info.file, new Set());
        if (b.kind === 'object') for (const [k, v] of b.props()) props.set(k, v);
      }
      for (const [k, v] of parseProps(iface.body, info.file)) props.set(k, v);
      node._props = props;
      return props;
    },
  };
  interfaceCache.set(key, node);
  return node;
}

function walk(data, node, where, errors) {
  if (data === null || data === undefined || node.kind === 'leaf') return;
  if (node.kind === 'array') {
    if (Array.isArray(data)) data.forEach((d, i) => walk(d, node.of(), `${where}[${i}]`, errors));
    return;
  }
  if (node.kind === 'map') {
    if (typeof data === 'object') for (const [k, v] of Object.entries(data)) walk(v, node.of(), `${where}.${k}`, errors);
    return;
  }
  if (typeof data !== 'object' || Array.isArray(data)) return;
  const props = node.props();
  for (const [k, v] of Object.entries(data)) {
    const p = props.get(k);
    if (!p) {
      errors.push(`${where}.${k}: unknown field${node.name ? ' in ' + node.name.replace(/^I/, '') : ''}`);
      continue;
    }
    walk(v, typeOf(p.expr, p.file), `${where}.${k}`, errors);
  }
}

/** Declaration file of a kind, or null when no package carries it. */
export function declarationFile(apiVersion, kind) {
  if (apiVersion === 'monitoring.coreos.com/v1') return packageFile(`@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`);
  return packageFile(`kubernetes-models/${apiVersion}/${kind}`);
}

/** Every key of `obj` that its Kubernetes type does not declare, as "path: unknown field" strings. */
export function unknownFields(obj) {
  const file = declarationFile(obj.apiVersion, obj.kind);
  if (!file) return [`no type declarations for ${obj.apiVersion} ${obj.kind}`];
  const root = resolveName('I' + obj.kind, file, new Set());
  if (root.kind !== 'object') return [`could not read the type of ${obj.apiVersion} ${obj.kind}`];
  const errors = [];
  walk(obj, root, obj.kind, errors);
  return errors;
}
