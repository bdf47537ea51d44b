// How Netdata 1.37 cuts one line of plugin output into words, for tests that check what Netdata will
// see: separators are space, tab, CR, LF and `=`; a word that starts with ' or " runs to the next quote
// of the same kind (which is dropped); a backslash hides the next character from that search but stays.
export function pluginsdWords(line: string): string[] {
  const isSep = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '=';
  const words: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSep(line[i])) i++;
    if (i >= n) break;
    let quote = '';
    if (line[i] === "'" || line[i] === '"') quote = line[i++];
    let word = '';
    while (i < n) {
      const c = line[i];
      if (c === '\\' && i + 1 < n) {
        word += c + line[i + 1];
        i += 2;
      } else if (quote && c === quote) {
        // The closing quote ends the word, whatever follows it.
        i++;
        break;
      } else if (!quote && isSep(c)) {
        break;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}
