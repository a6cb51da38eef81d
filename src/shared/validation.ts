import type { z } from 'zod';
import type * as zod from 'zod';
// Only the two interface languages: `z.locales` would pull every language zod ships into the app bundle.
import en from 'zod/v4/locales/en.js';
import vi from 'zod/v4/locales/vi.js';

export interface FieldProblem {
  /** Dotted path of the bad field ("mutations.3.args.status"), or "(body)" for the whole input. */
  field: string;
  message: string;
}

/** Turns a zod error into the plain list of bad fields that 400 answers and forms show. */
export function describeIssues(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

/** Zod's own messages (wrong type, too long…) in the interface language; the server answers in Vietnamese. */
export function configureValidationMessages(z: typeof zod.z, lang: 'vi' | 'en'): void {
  z.config(lang === 'vi' ? vi() : en());
}
