// Where the configuration text comes from: files on disk (following `include`), or one `nginx -T` dump
// that holds every file nginx read. Either way the result is one directive tree with includes spliced in
// where they were written, so the reader of directives never sees `include`.
import * as fs from 'fs';
import * as path from 'path';
import { Directive, NginxConfigError, parseDirectives } from './tokens';

/** Reads files by absolute path; `null` when the file does not exist. */
interface FileSource {
  read(file: string): string | null;
  /** Files matching an absolute glob pattern, sorted; empty when none match. */
  glob(pattern: string): string[];
}

// nginx prints every file by its full path.
const DUMP_MARKER = /^# configuration file (\/.*):$/;
// What nginx writes to stderr around a `-T` dump; present when someone captured it with `2>&1`.
const NGINX_STATUS_LINE = /^nginx: (the configuration file .* syntax is ok|configuration file .* test is successful|\[\w+\] )/;

const hasGlob = (p: string): boolean => /[*?[]/.test(p);

function globSegmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whole-path glob matcher for the dump, where there is no directory to list. */
function globPathRegex(pattern: string): RegExp {
  const parts = pattern.split('/').map((s) => globSegmentRegex(s).source.slice(1, -1));
  return new RegExp(`^${parts.join('/')}$`);
}

const diskSource: FileSource = {
  read(file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      if (code === 'EISDIR') throw new NginxConfigError(`${file}: is a directory, not a configuration file`);
      throw new NginxConfigError(`${file}: cannot read (${code ?? (e as Error).message})`);
    }
  },
  glob(pattern) {
    // Walk one path segment at a time, listing directories only where the segment has wildcards.
    const segs = pattern.split('/');
    let dirs = [segs[0] === '' ? '/' : segs[0]];
    for (let s = 1; s < segs.length; s++) {
      const seg = segs[s];
      if (seg === '') continue;
      const next: string[] = [];
      for (const dir of dirs) {
        if (!hasGlob(seg)) {
          next.push(path.join(dir, seg));
          continue;
        }
        let names: string[];
        try {
          names = fs.readdirSync(dir);
        } catch {
          continue;
        }
        const re = globSegmentRegex(seg);
        // Like glob(3), a wildcard does not match a leading dot.
        for (const name of names) if (re.test(name) && (name[0] !== '.' || seg[0] === '.')) next.push(path.join(dir, name));
      }
      dirs = next;
    }
    return dirs
      .filter((f) => {
        try {
          return fs.statSync(f).isFile();
        } catch {
          return false;
        }
      })
      .sort();
  },
};

/** True when the text is `nginx -T` output rather than a configuration file. */
export function isNginxDump(text: string): boolean {
  for (const line of text.split('\n', 50)) {
    const l = line.trimEnd();
    if (l === '' || NGINX_STATUS_LINE.test(l)) continue;
    return DUMP_MARKER.test(l);
  }
  return false;
}

/** Splits `nginx -T` output into its files, in the order nginx printed them (the main file first). */
export function splitNginxDump(text: string): { main: string; files: Map<string, string> } {
  const files = new Map<string, string>();
  let main = '';
  let current: string | null = null;
  let body: string[] = [];
  const flush = (): void => {
    if (current === null) return;
    // nginx appends one newline after each file's contents.
    if (body.length > 0 && body[body.length - 1] === '') body.pop();
    files.set(path.normalize(current), body.join('\n'));
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = DUMP_MARKER.exec(line);
    if (m) {
      flush();
      current = m[1];
      if (main === '') main = path.normalize(current);
      body = [];
      continue;
    }
    if (current === null) continue;
    body.push(line);
  }
  // Status lines captured after the dump (stderr interleaved at the end) are not part of the last file.
  while (body.length > 0 && (body[body.length - 1] === '' || NGINX_STATUS_LINE.test(body[body.length - 1]))) body.pop();
  body.push('');
  flush();
  if (main === '') throw new NginxConfigError('nginx -T output holds no "# configuration file" section');
  return { main, files };
}

function dumpSource(files: Map<string, string>): FileSource {
  return {
    read: (file) => files.get(path.normalize(file)) ?? null,
    glob(pattern) {
      const re = globPathRegex(path.normalize(pattern));
      return [...files.keys()].filter((f) => re.test(f)).sort();
    },
  };
}

/**
 * Splices every `include` into the tree. Relative patterns resolve as nginx does, against the main
 * file's directory (nginx's conf prefix); when that finds nothing, against the including file's own
 * directory, which is what people who pass a single site file usually meant.
 */
function expand(dirs: Directive[], src: FileSource, confPrefix: string, chain: string[]): Directive[] {
  const out: Directive[] = [];
  for (const d of dirs) {
    if (d.name !== 'include' || d.block) {
      out.push(d.block ? { ...d, block: expand(d.block, src, confPrefix, chain) } : d);
      continue;
    }
    if (d.args.length !== 1) {
      throw new NginxConfigError(`${d.file}:${d.line}: "include" takes exactly one path`);
    }
    for (const file of resolveInclude(d, src, confPrefix)) {
      if (chain.includes(file)) {
        throw new NginxConfigError(`${d.file}:${d.line}: include "${d.args[0]}" includes itself (via ${file})`);
      }
      out.push(...loadFile(file, src, confPrefix, [...chain, file]));
    }
  }
  return out;
}

function resolveInclude(d: Directive, src: FileSource, confPrefix: string): string[] {
  const arg = d.args[0];
  const bases = path.isAbsolute(arg) ? [''] : [...new Set([confPrefix, path.dirname(d.file)])];
  const tried: string[] = [];
  for (const base of bases) {
    const full = path.resolve(base || '/', arg);
    tried.push(full);
    if (hasGlob(full)) {
      const found = src.glob(full);
      if (found.length > 0) return found;
    } else if (src.read(full) !== null) {
      return [full];
    }
  }
  // nginx accepts a wildcard that matches nothing, but not a named file that is missing.
  if (hasGlob(arg)) return [];
  throw new NginxConfigError(`${d.file}:${d.line}: included file "${arg}" not found (looked for ${tried.join(', ')})`);
}

function loadFile(file: string, src: FileSource, confPrefix: string, chain: string[]): Directive[] {
  const text = src.read(file);
  if (text === null) throw new NginxConfigError(`${file}: no such file`);
  return expand(parseDirectives(text, file), src, confPrefix, chain);
}

/** Reads a configuration file (or a saved `nginx -T` dump) from disk with its includes. */
export function loadNginxFile(file: string): Directive[] {
  const abs = path.resolve(file);
  const text = diskSource.read(abs);
  if (text === null) throw new NginxConfigError(`${abs}: no such file`);
  return loadNginxText(text, path.dirname(abs), path.basename(abs));
}

/**
 * Reads configuration text. A `nginx -T` dump resolves includes among its own sections; plain text
 * resolves them on disk relative to `baseDir`, and `name` is what error messages call the text.
 */
export function loadNginxText(text: string, baseDir: string, name = 'nginx.conf'): Directive[] {
  if (isNginxDump(text)) {
    const { main, files } = splitNginxDump(text);
    return loadFile(main, dumpSource(files), path.dirname(main), [main]);
  }
  const mainPath = path.resolve(baseDir, name);
  return expand(parseDirectives(text, mainPath), diskSource, path.dirname(mainPath), [mainPath]);
}
