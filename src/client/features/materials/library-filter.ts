import type { Material } from '../../../shared/domain/records';
import { foldForSearch, matchesWords, queryWords } from '../../../shared/materials/library';

export interface LibraryFilter {
  q: string;
  activityTypeId: string | null;
  schoolLevel: string | null;
  schoolYearId: string | null;
}

export const EMPTY_FILTER: LibraryFilter = { q: '', activityTypeId: null, schoolLevel: null, schoolYearId: null };

/** Folded titles by row object: folding (Unicode NFD) is the costly part of a search, and rows repeat between keystrokes. */
const folded = new WeakMap<Material, string>();
function foldedTitle(m: Material): string {
  let f = folded.get(m);
  if (f === undefined) {
    f = foldForSearch(m.title);
    folded.set(m, f);
  }
  return f;
}

/**
 * The device's library search, the same rules as GET /api/materials: archived materials left out, every word of the
 * query in the title (accents and case ignored), and the filters. Materials needed by an upcoming session first,
 * soonest first; then the newest.
 */
export function filterLibrary(materials: Material[], filter: LibraryFilter, upcoming: ReadonlyMap<string, string> = new Map()): Material[] {
  const words = queryWords(filter.q);
  return materials
    .filter(
      (m) =>
        m.status !== 'archived' &&
        (filter.activityTypeId === null || m.activityTypeId === filter.activityTypeId) &&
        (filter.schoolLevel === null || m.schoolLevel === filter.schoolLevel) &&
        (filter.schoolYearId === null || m.schoolYearId === filter.schoolYearId) &&
        (words.length === 0 || matchesWords(foldedTitle(m), words)),
    )
    .sort((a, b) => {
      const sa = upcoming.get(a.id);
      const sb = upcoming.get(b.id);
      if (sa !== sb) {
        if (sa === undefined) return 1;
        if (sb === undefined) return -1;
        return sa < sb ? -1 : 1;
      }
      return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1;
    });
}
