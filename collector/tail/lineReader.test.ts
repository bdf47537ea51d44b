import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LineReadError, readLines, toLineReadError, type ReadLinesOptions } from './lineReader';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ud-linereader-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let fileNo = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${fileNo++}.log`);
  writeFileSync(path, content);
  return path;
}

async function collect(path: string, opts?: ReadLinesOptions): Promise<{ lines: string[]; lineCount: number; tooLong: number; bytes: number }> {
  const lines: string[] = [];
  const res = await readLines(path, (l) => lines.push(l), opts);
  return { lines, lineCount: res.lines, tooLong: res.tooLong, bytes: res.bytes };
}

const NGINX_LINE =
  '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /dead HTTP/1.1" 502 157 "-" "curl/7.88.1" rt=0.000 msec=1795217300.580';

describe('readLines', () => {
  it('delivers each line, strips CRLF, skips empty lines and keeps a last line without newline', async () => {
    const path = file(`${NGINX_LINE}\r\nsecond\n\n\r\nthird é€\nlast without newline`);
    const got = await collect(path);
    expect(got.lines).toEqual([NGINX_LINE, 'second', 'third é€', 'last without newline']);
    expect(got.lineCount).toBe(4);
    expect(got.tooLong).toBe(0);
    expect(got.bytes).toBe(Buffer.byteLength(`${NGINX_LINE}\r\nsecond\n\n\r\nthird é€\nlast without newline`));
  });

  it('reads an empty file and a file of blank lines as nothing', async () => {
    expect(await collect(file(''))).toEqual({ lines: [], lineCount: 0, tooLong: 0, bytes: 0 });
    expect((await collect(file('\n\r\n\n'))).lines).toEqual([]);
  });

  it('keeps lines whole across read buffers, multi-byte characters included', async () => {
    // About 3 MiB, so lines straddle the 1 MiB read buffer at many different offsets.
    const want: string[] = [];
    for (let i = 0; want.length < 30_000; i++) want.push(`${i} ${'é€x'.repeat(i % 50)} ${NGINX_LINE.slice(0, i % 97)}`);
    const got = await collect(file(want.join('\n') + '\n'));
    expect(got.lines).toEqual(want);
  });

  it('drops a 1 MB line while streaming and counts it', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const got = await collect(file(`first\n${big}\nafter\n${big}`));
    expect(got.lines).toEqual(['first', 'after']);
    expect(got.tooLong).toBe(2);
  });

  it('drops a line many times the buffer size with a small limit', async () => {
    const got = await collect(file(`a\n${'y'.repeat(5 * 1024 * 1024)}\nb\n${'z'.repeat(101)}\n${'w'.repeat(100)}\n`), {
      maxLineBytes: 100,
    });
    expect(got.lines).toEqual(['a', 'b', 'w'.repeat(100)]);
    expect(got.tooLong).toBe(2);
  });

  it('measures the limit in bytes without the line ending', async () => {
    const got = await collect(file(`${'a'.repeat(10)}\r\n${'é'.repeat(5)}\n${'é'.repeat(6)}\n`), { maxLineBytes: 10 });
    expect(got.lines).toEqual(['a'.repeat(10), 'é'.repeat(5)]);
    expect(got.tooLong).toBe(1);
  });

  it('gunzips a rotated file told by its magic bytes, whatever its name', async () => {
    const text = `${NGINX_LINE}\r\nsecond\n\nlast`;
    const path = join(dir, 'access.log.2.gz');
    writeFileSync(path, gzipSync(text));
    const got = await collect(path);
    expect(got.lines).toEqual([NGINX_LINE, 'second', 'last']);
    expect(got.bytes).toBe(Buffer.byteLength(text));
    expect((await collect(file(gzipSync(text)))).lines).toHaveLength(3);
  });

  it('gunzips concatenated gzip members and drops an over-long line inside one', async () => {
    const big = 'q'.repeat(1024 * 1024);
    const path = file(Buffer.concat([gzipSync('one\ntwo'), gzipSync(`\n${big}\nthree\n`)]));
    const got = await collect(path);
    expect(got.lines).toEqual(['one', 'two', 'three']);
    expect(got.tooLong).toBe(1);
  });

  it('rejects a truncated gzip file with a one-line reason', async () => {
    const gz = gzipSync(Buffer.from(`${NGINX_LINE}\n`.repeat(1000)));
    const path = file(gz.subarray(0, gz.length - 20));
    const err = await readLines(path, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LineReadError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot read ${path}: corrupt or truncated gzip data`));
    expect((err as Error).message).not.toContain('\n');
  });

  it('rejects a missing file, naming it', async () => {
    const path = join(dir, 'does-not-exist.log');
    await expect(readLines(path, () => undefined)).rejects.toThrow(`cannot read ${path}: no such file or directory`);
    await expect(readLines(path, () => undefined)).rejects.toMatchObject({ code: 'ENOENT', path });
  });

  it('rejects a directory', async () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    await expect(readLines(sub, () => undefined)).rejects.toThrow(`cannot read ${sub}: is a directory, not a file`);
  });

  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  // root reads files whatever their mode, so the real case only runs as another user.
  (root ? it.skip : it)('rejects an unreadable file', async () => {
    const path = file('secret\n');
    chmodSync(path, 0o000);
    await expect(readLines(path, () => undefined)).rejects.toThrow(`cannot read ${path}: permission denied`);
  });

  it('words permission errors in one line', () => {
    const err = toLineReadError('/var/log/nginx/access.log', Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' }));
    expect(err.message).toBe('cannot read /var/log/nginx/access.log: permission denied');
    const other = toLineReadError('/a', Object.assign(new Error('EIO: i/o error,\n  read'), { code: 'EIO' }));
    expect(other.message).toBe('cannot read /a: EIO: i/o error, read');
  });

  it('passes an exception from the callback on unchanged', async () => {
    const boom = new Error('stop here');
    await expect(
      readLines(file('a\nb\n'), (l) => {
        if (l === 'b') throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(
      readLines(file(gzipSync('a\nb\n')), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('refuses a limit that is not a positive number', async () => {
    await expect(readLines(file('a\n'), () => undefined, { maxLineBytes: 0 })).rejects.toThrow(RangeError);
  });
});
