import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that the same arguments always give the same text whatever
 * order a device serialised them in. `undefined` members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * What `applied_mutations.content_hash` holds: a retry of a mutation hashes the same, an id reused for other
 * content does not. Computed over the validated arguments, so insignificant differences (key order, trimmed
 * whitespace) do not turn a retry into a conflict.
 */
export function mutationContentHash(name: string, args: unknown): string {
  return createHash('sha256').update(name).update('\n').update(canonicalJson(args)).digest('hex');
}
