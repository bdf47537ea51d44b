// nginx configuration syntax: text → tokens → a tree of directives. Follows the rules of nginx's own
// reader (ngx_conf_read_token) so that whatever nginx accepts reads the same here:
// - quotes only open a string at the start of a token (`x"y"` is one word with the quotes in it);
// - after a closing quote nginx wants whitespace, `;`, `{` or `)`;
// - `{` ends a bare word except right after `$` (`${var}`), and `}` never ends a bare word;
// - `#` opens a comment only at the start of a token;
// - `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are unescaped in every token; other backslashes stay as written.

/** A configuration nginx would refuse, or one that cannot be read. The message is one line. */
export class NginxConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NginxConfigError';
  }
}

export type TokenKind = 'word' | 'quoted' | '{' | '}' | ';';

export interface Token {
  kind: TokenKind;
  /** Unescaped text; for punctuation the character itself. */
  text: string;
  line: number;
}

export interface Directive {
  name: string;
  args: string[];
  file: string;
  line: number;
  /** Present when the directive opens a block (`server { … }`), even an empty one. */
  block?: Directive[];
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      if (n === '"' || n === "'" || n === '\\') {
        out += n;
        i++;
        continue;
      }
      if (n === 't' || n === 'r' || n === 'n') {
        out += n === 't' ? '\t' : n === 'r' ? '\r' : '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (isSpace(c)) {
      if (c === '\n') line++;
      i++;
      continue;
    }
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (c === ';' || c === '{' || c === '}') {
      tokens.push({ kind: c, text: c, line });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const startLine = line;
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') j++;
        if (text[j] === '\n') line++;
        j++;
      }
      if (j >= n) {
        throw new NginxConfigError(`${file}:${startLine}: quoted string is never closed (missing ${c})`);
      }
      tokens.push({ kind: 'quoted', text: unescape(text.slice(i + 1, j)), line: startLine });
      i = j + 1;
      if (i < n) {
        const after = text[i];
        if (after === ')') {
          // nginx accepts and drops a `)` glued to a quoted string (the end of an `if (… "x")`).
          i++;
        } else if (!isSpace(after) && after !== ';' && after !== '{') {
          throw new NginxConfigError(`${file}:${line}: unexpected "${after}" right after a quoted string`);
        }
      }
      continue;
    }
    // Bare word.
    const start = i;
    let prevDollar = false;
    while (i < n) {
      const w = text[i];
      if (w === '\\' && i + 1 < n) {
        if (text[i + 1] === '\n') line++;
        i += 2;
        prevDollar = false;
        continue;
      }
      if (w === '{' && prevDollar) {
        i++;
        prevDollar = false;
        continue;
      }
      if (isSpace(w) || w === ';' || w === '{') break;
      prevDollar = w === '$';
      i++;
    }
    tokens.push({ kind: 'word', text: unescape(text.slice(start, i)), line });
  }
  return tokens;
}

/** Parses one file's text into directives; `include` is left as an ordinary directive. */
export function parseDirectives(text: string, file: string): Directive[] {
  const tokens = tokenize(text, file);
  const lastLine = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  let pos = 0;

  const parseBlock = (opener: Directive | null): Directive[] => {
    const out: Directive[] = [];
    for (;;) {
      const t = tokens[pos];
      if (t === undefined) {
        if (opener) {
          // Which block lacks its brace is a guess; name the innermost one still open and where it began.
          throw new NginxConfigError(
            `${file}:${lastLine}: unexpected end of file, missing "}" (the "${opener.name}" block from line ${opener.line} is still open)`,
          );
        }
        return out;
      }
      if (t.kind === '}') {
        if (!opener) throw new NginxConfigError(`${file}:${t.line}: unexpected "}" (no block is open)`);
        pos++;
        return out;
      }
      if (t.kind === ';' || t.kind === '{') {
        throw new NginxConfigError(`${file}:${t.line}: unexpected "${t.kind}" where a directive name should be`);
      }
      const d: Directive = { name: t.text, args: [], file, line: t.line };
      pos++;
      for (;;) {
        const a = tokens[pos];
        if (a === undefined) {
          throw new NginxConfigError(`${file}:${d.line}: directive "${d.name}" is not terminated by ";"`);
        }
        pos++;
        if (a.kind === ';') break;
        if (a.kind === '{') {
          d.block = parseBlock(d);
          break;
        }
        if (a.kind === '}') {
          throw new NginxConfigError(`${file}:${a.line}: unexpected "}" (directive "${d.name}" lacks ";")`);
        }
        d.args.push(a.text);
      }
      out.push(d);
    }
  };

  return parseBlock(null);
}
