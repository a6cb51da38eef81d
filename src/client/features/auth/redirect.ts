import type { LocationQuery } from 'vue-router';

/**
 * Where to go after signing in. Only a path inside this app is honoured: "//evil.example" or
 * "https://…" in a crafted link must not carry a freshly signed-in user off-site.
 */
export function redirectTarget(query: LocationQuery): string {
  const raw = query.redirect;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/';
  }
  return value;
}
