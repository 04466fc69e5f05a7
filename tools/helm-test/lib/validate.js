// Schema validation of rendered manifests: the OpenAPI schemas compiled into
// kubernetes-models (types, formats, required fields, enums) plus the unknown-field
// walk of ./fields.js.

import { unknownFields } from './fields.js';

const modelCache = new Map();

async function modelClass(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  const spec =
    apiVersion === 'monitoring.coreos.com/v1'
      ? `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`
      : `kubernetes-models/${apiVersion}/${kind}`;
  let cls = null;
  try {
    cls = (await import(spec))[kind] ?? null;
  } catch {
    cls = null;
  }
  modelCache.set(key, cls);
  return cls;
}

/** Returns a list of problems (empty when the object is valid). */
export async function validateObject(obj) {
  const problems = [];
  if (!obj || typeof obj !== 'object') return ['not an object'];
  if (!obj.apiVersion || !obj.kind) return ['apiVersion or kind missing'];
  const Cls = await modelClass(obj.apiVersion, obj.kind);
  if (!Cls) return [`no schema known for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Cls(obj).validate();
  } catch (err) {
    problems.push(...String(err.message).split(/,\s*(?=data)/).map((s) => `schema: ${s}`));
  }
  problems.push(...unknownFields(obj));
  return problems;
}
