// Expands the tailer's path patterns. Node 20 has no fs.glob, and the tailer needs little: `*`, `?` and
// `[…]` inside any path segment, matched against directory listings, re-run every poll so files created
// later are found. `**` is not special (it matches like `*`, within one segment).

import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';

/** True when the pattern has a wildcard outside a backslash escape. */
export function hasMagic(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** The regular expression one path segment's pattern stands for (shell rules; see `matchesSegment`). */
export function segmentRegExp(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\' && i + 1 < segment.length) {
      out += escapeChar(segment[++i]);
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = classEnd(segment, i);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      let negate = false;
      if (body[0] === '!' || body[0] === '^') {
        negate = true;
        body = body.slice(1);
      }
      // Inside a class only `\`, `]` and `^` mean anything to RegExp; a `-` between two chars is a range.
      body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
      out += negate ? `[^/${body}]` : `[${body}]`;
      i = close;
    } else {
      out += escapeChar(c);
    }
  }
  return new RegExp(`^${out}$`, 's');
}

/** The index of the `]` closing a class opened at `open`, or -1 (then `[` is a plain character). */
function classEnd(segment: string, open: number): number {
  let i = open + 1;
  if (segment[i] === '!' || segment[i] === '^') i++;
  // A `]` first in the class is a member, not its end.
  if (segment[i] === ']') i++;
  const close = segment.indexOf(']', i);
  return close;
}

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Drops backslash escapes from a segment without wildcards. */
function unescape(segment: string): string {
  return segment.replace(/\\(.)/gs, '$1');
}

/**
 * Whether a directory entry's name matches a segment pattern. As in a shell, a wildcard does not match a
 * leading `.`; a pattern that itself starts with `.` can.
 */
export function matchesSegment(name: string, segment: string, re: RegExp = segmentRegExp(segment)): boolean {
  if (name.startsWith('.') && !segment.startsWith('.')) return false;
  return re.test(name);
}

/**
 * The paths a pattern matches, sorted. Wildcard segments are matched against directory listings; plain
 * segments are joined without a look, so a result may not exist (the caller stats each anyway), and a
 * pattern without wildcards comes back as its resolved self. Directories that cannot be listed match
 * nothing. Relative patterns are resolved against `cwd`.
 */
export async function expandPattern(pattern: string, cwd = process.cwd()): Promise<string[]> {
  const abs = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  if (!hasMagic(abs)) return [resolve(unescape(abs))];
  const segments = abs.split(sep).filter((s) => s !== '');
  let bases: string[] = [sep];
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    const last = s === segments.length - 1;
    if (!hasMagic(seg)) {
      const lit = unescape(seg);
      bases = bases.map((b) => join(b, lit));
      continue;
    }
    const re = segmentRegExp(seg);
    const next: string[] = [];
    for (const base of bases) {
      let entries;
      try {
        entries = await readdir(base, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!matchesSegment(e.name, seg, re)) continue;
        // A middle segment must lead somewhere: keep directories and links (which may point to one).
        if (!last && !e.isDirectory() && !e.isSymbolicLink()) continue;
        next.push(join(base, e.name));
      }
    }
    bases = next;
    if (bases.length === 0) break;
  }
  return bases.sort();
}
