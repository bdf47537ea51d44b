import { parseDirectives, tokenize } from './tokens';
import { configErrorOf } from './testdata/configError';

const words = (text: string): string[] => tokenize(text, 't.conf').map((t) => t.text);

const errorOf = configErrorOf;

describe('tokenize', () => {
  it('splits directives, blocks and comments', () => {
    expect(words('http { # comment ; {\n  sendfile on; }')).toEqual(['http', '{', 'sendfile', 'on', ';', '}']);
  });

  it('unescapes quoted strings the way nginx does', () => {
    expect(words(`a "x\\"y" 'it\\'s' "t\\tn\\n" "back\\\\slash" "keep\\d";`)).toEqual([
      'a',
      'x"y',
      "it's",
      't\tn\n',
      'back\\slash',
      'keep\\d',
      ';',
    ]);
  });

  it('keeps ${var} in one word and does not end a bare word at }', () => {
    expect(words('log_format a ${status}x$a{b};')).toEqual(['log_format', 'a', '${status}x$a', '{', 'b}', ';']);
    expect(words('return 200 a}b;')).toEqual(['return', '200', 'a}b', ';']);
  });

  it('treats quotes and # inside a bare word as literal characters', () => {
    expect(words('log_format a x"y"z#w;')).toEqual(['log_format', 'a', 'x"y"z#w', ';']);
  });

  it('lets a quoted string span lines and reports the line it starts on', () => {
    const toks = tokenize('a "one\ntwo";\nb;', 't.conf');
    expect(toks.map((t) => [t.text, t.line])).toEqual([
      ['a', 1],
      ['one\ntwo', 1],
      [';', 2],
      ['b', 3],
      [';', 3],
    ]);
  });

  it('accepts ) glued to a quoted string, as in if conditions', () => {
    expect(words('if ($a = "x") { }')).toEqual(['if', '($a', '=', 'x', '{', '}']);
  });

  it('rejects an unterminated quote with the line it opened on', () => {
    const e = errorOf(() => tokenize("a;\nlog_format x 'abc;\nb;\n", 'site.conf'));
    expect(e.message).toBe("site.conf:2: quoted string is never closed (missing ')");
  });

  it('rejects text glued after a closing quote', () => {
    expect(errorOf(() => tokenize('a "x"y;', 't.conf')).message).toBe('t.conf:1: unexpected "y" right after a quoted string');
  });
});

describe('parseDirectives', () => {
  it('builds a tree with file and line on every directive', () => {
    const tree = parseDirectives('events {}\nhttp {\n  server { listen 80; }\n}\n', '/etc/nginx/nginx.conf');
    expect(tree.map((d) => d.name)).toEqual(['events', 'http']);
    expect(tree[0].block).toEqual([]);
    const server = tree[1].block![0];
    expect(server).toMatchObject({ name: 'server', line: 3, file: '/etc/nginx/nginx.conf' });
    expect(server.block![0]).toMatchObject({ name: 'listen', args: ['80'], line: 3 });
  });

  it.each([
    ['http {\n  server {\n  }\n', 'n.conf:3: unexpected end of file, missing "}" (the "http" block from line 1 is still open)'],
    ['events {}\n}\n', 'n.conf:2: unexpected "}" (no block is open)'],
    ['http { sendfile on }', 'n.conf:1: unexpected "}" (directive "sendfile" lacks ";")'],
    ['worker_processes 1', 'n.conf:1: directive "worker_processes" is not terminated by ";"'],
    ['events {}\n;', 'n.conf:2: unexpected ";" where a directive name should be'],
  ])('rejects %j', (text, message) => {
    const e = errorOf(() => parseDirectives(text, 'n.conf'));
    expect(e.message).toBe(message);
    expect(e.message).not.toContain('\n');
  });
});
