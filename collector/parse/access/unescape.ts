// Undoing the escaping nginx (and JSON producers) put into logged values, for the few values shown to a
// person: the request line and addresses in evidence.

const UTF8 = new TextDecoder('utf-8');

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Undoes the escaping a log value may carry: nginx's `\xHH` (its default escaping of `"`, `\` and bytes
 * outside printable ASCII; runs of bytes are decoded as UTF-8) and JSON's `\"`, `\\`, `\/`, `\n`, `\uXXXX`
 * (escape=json, and other producers). An unknown escape is left as written.
 */
export function unescapeLogValue(s: string): string {
  let bs = s.indexOf('\\');
  if (bs < 0) return s;
  let out = s.slice(0, bs);
  let bytes: number[] | null = null;
  let i = bs;
  const flush = (): void => {
    if (bytes !== null && bytes.length > 0) {
      out += UTF8.decode(Uint8Array.from(bytes));
      bytes.length = 0;
    }
  };
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 92 /* \ */ || i + 1 >= s.length) {
      flush();
      bs = s.indexOf('\\', i + 1);
      const stop = bs < 0 ? s.length : bs;
      out += s.slice(i, stop);
      i = stop;
      continue;
    }
    const e = s.charCodeAt(i + 1);
    if (e === 120 /* x */) {
      const hi = hexValue(s.charCodeAt(i + 2));
      const lo = hexValue(s.charCodeAt(i + 3));
      if (hi >= 0 && lo >= 0) {
        (bytes ??= []).push(hi * 16 + lo);
        i += 4;
        continue;
      }
    }
    flush();
    let rep: string | null = null;
    let width = 2;
    switch (e) {
      case 34: rep = '"'; break;
      case 92: rep = '\\'; break;
      case 47: rep = '/'; break;
      case 110: rep = '\n'; break;
      case 114: rep = '\r'; break;
      case 116: rep = '\t'; break;
      case 98: rep = '\b'; break;
      case 102: rep = '\f'; break;
      case 117: {
        const h1 = hexValue(s.charCodeAt(i + 2));
        const h2 = hexValue(s.charCodeAt(i + 3));
        const h3 = hexValue(s.charCodeAt(i + 4));
        const h4 = hexValue(s.charCodeAt(i + 5));
        if (h1 >= 0 && h2 >= 0 && h3 >= 0 && h4 >= 0) {
          rep = String.fromCharCode((h1 << 12) | (h2 << 8) | (h3 << 4) | h4);
          width = 6;
        }
        break;
      }
    }
    if (rep === null) {
      out += s.slice(i, i + 2);
    } else {
      out += rep;
    }
    i += width;
  }
  flush();
  return out;
}
