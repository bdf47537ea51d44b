// The Content Security Policy of every response the collector sends. Browsers enforce a header policy and a
// page's <meta> policy both, so the header must allow what the page needs and no more: for an HTML
// document it is computed from the document itself (the SHA-256 of each inline <script> and <style>), the
// same function the build uses to write the page's <meta> policy, so the two cannot disagree. Everything
// else (JSON, metrics, assets) may load and run nothing.
import { createHash } from 'node:crypto';

/** Only a header can say this (a <meta> policy ignores it): no site may frame the NOC page. */
export const FRAME_ANCESTORS = "frame-ancestors 'none'";

/** For responses that are not documents: nothing may load, nothing may frame them. */
export const NOTHING_POLICY = `default-src 'none'; ${FRAME_ANCESTORS}`;

export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * What a self-contained page needs: exactly these inline scripts and styles (by hash), fetches to its own
 * origin (the API), images from itself or data: (the favicon), and no <base> or form targets.
 */
export function inlinePolicy(inline: { scripts: readonly string[]; styles: readonly string[] }): string {
  const sources = (texts: readonly string[]) => (texts.length ? [...new Set(texts.map(sha256Source))].join(' ') : "'none'");
  return [
    "default-src 'none'",
    `script-src ${sources(inline.scripts)}`,
    `style-src ${sources(inline.styles)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The inline <script> and <style> texts of a document the collector serves (its own built page or its
 * server-rendered fallback), as the browser hashes them. Comments are skipped (the built page carries
 * license notices in one); a <script src> is not inline and stays disallowed.
 */
export function inlineTexts(html: string): { scripts: string[]; styles: string[] } {
  const body = html.replace(/<!--[\s\S]*?-->/g, '');
  const texts = (tag: string) =>
    [...body.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}\\s*>`, 'gi'))]
      .filter((m) => !/\ssrc\s*=/i.test(m[1] ?? ''))
      .map((m) => m[2]);
  return { scripts: texts('script'), styles: texts('style') };
}

/** The header policy for an HTML document: what its inline code needs, and no framing. */
export function documentPolicy(html: string): string {
  return `${inlinePolicy(inlineTexts(html))}; ${FRAME_ANCESTORS}`;
}
