/**
 * Header and value normalisation for the sector database's exports. Column titles arrive with or without
 * diacritics, in any case, with line breaks, parentheses and stray spaces ("HỌ VÀ TÊN", "Ho va ten",
 * "Ngày sinh\n(dd/mm/yyyy)"): they are compared only after this folding.
 */

/** Strips Vietnamese diacritics; đ/Đ are letters of their own (not a base letter plus a mark), so they are mapped by hand. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/** Lowercase, no diacritics, punctuation and runs of whitespace folded to single spaces. */
export function normaliseHeader(text: string): string {
  return stripDiacritics(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Whether `phrase` (already normalised) occurs in `normalised` as whole words. */
export function containsWords(normalised: string, phrase: string): boolean {
  return ` ${normalised} `.includes(` ${phrase} `);
}
