/**
 * The preview webview's HTML page. Used by the extension (with the webview's resource URIs) and
 * by the browser tests (with a local server's), so both load exactly the same page and policy.
 * No file text ever goes into this page: the diagram arrives later, as a message.
 */
import type { Locale } from '../core/check/findings';
import { htmlLang, ws } from './strings';

export interface PreviewHtmlOptions {
  /** `webview.cspSource`: the origin the scripts, styles and fonts may come from. */
  cspSource: string;
  /** Fresh for every load (base64 of 16+ random bytes). */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** Language of the toolbar and the page's messages (default English). */
  locale?: Locale;
  /** Extra `<script>` elements placed before the main one (tests use it for a stand-in API). */
  beforeScript?: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'unsafe-inline'`,
    // The nonce admits the page's one script; its chunks (ES module imports) come from the
    // extension's own files, which `cspSource` names.
    `script-src 'nonce-${nonce}' ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** Escape for an HTML attribute value (only our own URIs go here, but never trust a path). */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function previewHtml(o: PreviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(o.nonce)) throw new Error('previewHtml: the nonce must be base64 of random bytes');
  const locale = o.locale ?? 'en';
  const say = (key: Parameters<typeof ws>[1]): string => attr(ws(locale, key));
  return `<!DOCTYPE html>
<html lang="${htmlLang(locale)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>${say('pageTitle')}</title>
</head>
<body>
<div id="toolbar" role="toolbar" aria-label="${say('toolbar')}">
  <span id="status" aria-live="polite"></span>
  <span class="spacer"></span>
  <button type="button" id="zoom-out" title="${say('zoomOutTitle')}" aria-label="${say('zoomOut')}">&#x2212;</button>
  <button type="button" id="zoom-reset" title="${say('zoomResetTitle')}" aria-label="${say('zoomReset')}">100%</button>
  <button type="button" id="zoom-in" title="${say('zoomInTitle')}" aria-label="${say('zoomIn')}">+</button>
  <button type="button" id="zoom-fit" title="${say('zoomFitTitle')}" aria-label="${say('zoomFit')}">&#x2194;</button>
</div>
<div id="banner" role="alert" hidden></div>
<div id="viewport" tabindex="0"><div id="canvas"></div></div>
${o.beforeScript ?? ''}<script type="module" nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
