// What a rendered Ingress exposes and what a rendered NetworkPolicy lets out, decided
// the way the Kubernetes API defines it rather than by comparing strings.

/**
 * Does `host` match an Ingress rule host? A rule without a host matches every host;
 * "*.example.com" matches exactly one extra DNS label ("a.example.com", not
 * "a.b.example.com" nor "example.com").
 */
export function hostMatches(ruleHost, host) {
  if (!ruleHost) return true;
  if (ruleHost.startsWith('*.')) {
    const suffix = ruleHost.slice(1); // ".example.com"
    if (!host.endsWith(suffix)) return false;
    const label = host.slice(0, -suffix.length);
    return label.length > 0 && !label.includes('.');
  }
  return ruleHost === host;
}

const elements = (p) => p.split('/').filter(Boolean);

/**
 * Does a request path match an Ingress path? Exact: the same string. Prefix: the
 * path's elements start with the rule's elements ("/api" matches "/api" and
 * "/api/x", not "/apix"; a trailing slash is ignored). ImplementationSpecific is up
 * to the controller, so it is treated as matching everything (worst case).
 */
export function pathMatches(rulePath, pathType, path) {
  if (pathType === 'Exact') return rulePath === path;
  if (pathType === 'Prefix') {
    const want = elements(rulePath);
    const got = elements(path);
    return want.length <= got.length && want.every((e, i) => got[i] === e);
  }
  return true;
}

/** The backend a request to host+path reaches, or null when the Ingress routes it nowhere. */
export function routeOf(ingress, host, path) {
  for (const rule of ingress.spec.rules ?? []) {
    if (!hostMatches(rule.host, host)) continue;
    for (const p of rule.http?.paths ?? []) {
      if (pathMatches(p.path, p.pathType, path)) return p.backend;
    }
  }
  return ingress.spec.defaultBackend ?? null;
}

const ANY_V4 = '0.0.0.0/0';
const ANY_V6 = '::/0';

/**
 * Egress rules that let traffic out to any address: no `to` (or an empty one), an
 * ipBlock of 0.0.0.0/0 or ::/0, or a lone empty namespaceSelector (every pod of
 * every namespace). Returns human-readable reasons, empty when there are none.
 */
export function openEgress(policy) {
  const reasons = [];
  (policy.spec.egress ?? []).forEach((rule, i) => {
    const ports = (rule.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join('+') || 'all ports';
    if (!rule.to || rule.to.length === 0) reasons.push(`egress[${i}] (${ports}) has no "to": any destination`);
    for (const peer of rule.to ?? []) {
      const cidr = peer.ipBlock?.cidr;
      if (cidr === ANY_V4 || cidr === ANY_V6) reasons.push(`egress[${i}] (${ports}) allows ${cidr}`);
      if (peer.namespaceSelector && Object.keys(peer.namespaceSelector).length === 0 && !peer.podSelector) {
        reasons.push(`egress[${i}] (${ports}) allows every namespace`);
      }
    }
  });
  return reasons;
}

/** The egress rules that open `port`/`protocol` (a rule without ports opens every port). */
export function egressRulesFor(policy, port, protocol = 'TCP') {
  return (policy.spec.egress ?? []).filter(
    (rule) => !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => p.port === port && (p.protocol ?? 'TCP') === protocol),
  );
}

/** Every egress port of a policy as "port/PROTOCOL", in rule order. */
export function egressPorts(policy) {
  return (policy.spec.egress ?? []).flatMap((rule) => (rule.ports ?? [{ port: '*' }]).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`));
}
