/**
 * A name as a search key: lower case, without tone marks or other diacritics, đ as d. Teachers type on tablets
 * whose keyboards make diacritics slow, so "nguyen van an" must find "Nguyễn Văn An"; a query typed with
 * diacritics is folded the same way, so it finds the same people.
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether a name (given as its search key, computed once per roster) matches a query: every word typed must appear,
 * in any order and possibly partial ("an nguy" finds "Nguyễn Văn An").
 */
export function nameMatches(nameKey: string, query: string): boolean {
  const words = searchKey(query).split(' ').filter((w) => w !== '');
  return words.every((w) => nameKey.includes(w));
}
