// Turns the page bundle into one self-contained index.html: the script inlined, and a Content Security
// Policy that allows exactly that script and that stylesheet (by hash) and fetches to its own origin.
// One file is all the collector has to serve at `/`, and log text that somehow became markup still
// could not run. The policy comes from the collector's own policy function, which also writes the
// header the collector sends with the page, so the <meta> and the header always agree.
import fs from 'fs';
import type { Compiler } from 'webpack';
import { inlinePolicy } from '../../collector/serve/pagePolicy';

export const SCRIPT_SLOT = '<!-- page-script -->';
export const CSP_SLOT = '%CSP%';

/** Script text that cannot end its own <script> element or open an HTML comment inside it. */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function inlinePage(template: string, js: string, licenses = ''): string {
  if (!template.includes(SCRIPT_SLOT) || !template.includes(CSP_SLOT)) {
    throw new Error(`page template needs ${SCRIPT_SLOT} and ${CSP_SLOT}`);
  }
  const script = scriptSafe(js);
  const styles = [...template.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  const csp = inlinePolicy({ scripts: [script], styles });
  // Third-party license notices travel with the code, in a comment after the document.
  const notices = licenses.trim() ? `\n<!--\n${licenses.replace(/--/g, '- -').trim()}\n-->\n` : '';
  return template.replace(CSP_SLOT, () => csp).replace(SCRIPT_SLOT, () => `<script>${script}</script>`) + notices;
}

export class InlinePagePlugin {
  constructor(private readonly opts: { template: string; script: string; out: string }) {}

  apply(compiler: Compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('InlinePagePlugin', (compilation) => {
      compilation.fileDependencies.add(this.opts.template);
      // After minification (which also extracts license comments), so the script hashed is the one shipped.
      compilation.hooks.processAssets.tap({ name: 'InlinePagePlugin', stage: Compilation.PROCESS_ASSETS_STAGE_REPORT }, (assets) => {
        const asset = assets[this.opts.script];
        if (!asset) return;
        const licenseName = Object.keys(assets).find((n) => n.startsWith(`${this.opts.script}.LICENSE`));
        const licenses = licenseName ? assets[licenseName].source().toString() : '';
        const js = asset.source().toString().replace(/^\/\*! For license information please see [^*]*\*\/\n?/, '');
        const html = inlinePage(fs.readFileSync(this.opts.template, 'utf8'), js, licenses);
        // Marked minimized: a minimizer rewriting the page would break the hashes in its policy.
        compilation.emitAsset(this.opts.out, new sources.RawSource(html), { minimized: true });
        compilation.deleteAsset(this.opts.script);
        if (licenseName) compilation.deleteAsset(licenseName);
      });
    });
  }
}
