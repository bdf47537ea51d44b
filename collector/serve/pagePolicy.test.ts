import { documentPolicy, FRAME_ANCESTORS, inlinePolicy, inlineTexts, NOTHING_POLICY, sha256Source } from './pagePolicy';

describe('the policy of a served document', () => {
  const page = [
    '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="x">',
    '<style>body{margin:0}</style></head><body>',
    '<!-- <script>commented()</script> -->',
    '<script src="/elsewhere.js"></script>',
    '<script>run()</script>',
    '</body></html>',
  ].join('\n');

  it('finds the inline scripts and styles the browser will hash, not comments or external scripts', () => {
    expect(inlineTexts(page)).toEqual({ scripts: ['run()'], styles: ['body{margin:0}'] });
  });

  it('allows exactly those by SHA-256, fetches to its own origin, and no framing', () => {
    const csp = documentPolicy(page);
    expect(csp).toBe(
      [
        "default-src 'none'",
        `script-src ${sha256Source('run()')}`,
        `style-src ${sha256Source('body{margin:0}')}`,
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        FRAME_ANCESTORS,
      ].join('; '),
    );
    expect(csp).not.toMatch(/unsafe|\*/);
  });

  it("says 'none' for a kind of code the document does not have", () => {
    expect(inlinePolicy({ scripts: [], styles: [] })).toContain("script-src 'none'; style-src 'none'");
    expect(documentPolicy('<p>plain</p>')).toContain("script-src 'none'");
  });

  it('hashes as browsers do: the UTF-8 text of the element, byte for byte', () => {
    // printf 'a→b' | openssl dgst -sha256 -binary | base64
    expect(sha256Source('a→b')).toBe("'sha256-Tp8HOWXmshVQrqmn2SzuHQIfDEhZI39m1MVhGnZTxPk='");
  });

  it('lets anything that is not a document load nothing', () => {
    expect(NOTHING_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
