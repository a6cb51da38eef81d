import type { TypedSchema, TypedSchemaError } from 'vee-validate';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export interface ZodTypedSchemaOptions {
  /**
   * Gives the message shown for an issue, e.g. the interface-language wording of a shared schema's Vietnamese
   * message. Returning undefined keeps the schema's own message.
   */
  message?: (issue: Issue, path: PropertyKey[]) => string | undefined;
}

/** vee-validate addresses nested fields as `items[0].name`; zod gives `['items', 0, 'name']`. */
export function toFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key))) out += `[${String(key)}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * A union reports every branch's failures; showing all of them would list errors for fields the user never
 * meant to fill. The branch with the fewest issues is the one the input was closest to.
 */
function closestBranch(branches: Issue[][]): Issue[] {
  let best: Issue[] = [];
  for (const branch of branches) if (best.length === 0 || branch.length < best.length) best = branch;
  return best;
}

function collect(
  issues: readonly Issue[],
  prefix: PropertyKey[],
  options: ZodTypedSchemaOptions,
  into: Map<string, TypedSchemaError>,
): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      collect(closestBranch(issue.errors), path, options, into);
      continue;
    }
    const key = toFieldPath(path);
    const entry = into.get(key) ?? { path: key, errors: [] };
    entry.errors.push(options.message?.(issue, path) ?? issue.message);
    into.set(key, entry);
  }
}

/** Groups zod issues per form field, in the shape vee-validate expects. */
export function issuesToErrors(issues: readonly Issue[], options: ZodTypedSchemaOptions = {}): TypedSchemaError[] {
  const byPath = new Map<string, TypedSchemaError>();
  collect(issues, [], options, byPath);
  return [...byPath.values()];
}

/**
 * A vee-validate typed schema from a shared zod schema, so that a form validates with exactly the schema the
 * server applies to the same request (vee-validate 4.15 has no standard-schema support of its own).
 */
export function toTypedSchema<S extends z.ZodType>(
  schema: S,
  options: ZodTypedSchemaOptions = {},
): TypedSchema<z.input<S>, z.output<S>> {
  return {
    __type: 'VVTypedSchema',
    async parse(values) {
      const result = await schema.safeParseAsync(values);
      if (result.success) return { value: result.data, errors: [] };
      return { errors: issuesToErrors(result.error.issues, options) };
    },
  };
}
