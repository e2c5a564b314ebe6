/**
 * The preview page's own words, in every locale the core supports. html.ts writes the toolbar
 * with them when the page is made; main.ts relabels it when an update arrives in another locale
 * (`UpdateMessage.locale`, from `tcpflow.language`) and uses them for its messages.
 */
import type { Locale } from '../core/check/findings';

const strings = {
  pageTitle: ['tcpflow preview', 'tcpflow 预览'],
  toolbar: ['Diagram', '时序图'],
  zoomOut: ['Zoom out', '缩小'],
  zoomOutTitle: ['Zoom out (-)', '缩小 (-)'],
  zoomReset: ['Actual size', '实际大小'],
  zoomResetTitle: ['Actual size (0)', '实际大小 (0)'],
  zoomIn: ['Zoom in', '放大'],
  zoomInTitle: ['Zoom in (+)', '放大 (+)'],
  zoomFit: ['Fit to width', '适应宽度'],
  zoomFitTitle: ['Fit to width (F)', '适应宽度 (F)'],
  drawFailed: ['The diagram could not be drawn: {0}', '无法绘制时序图：{0}'],
  noSvg: ['Mermaid returned no SVG', 'Mermaid 没有返回 SVG'],
  nothingToExport: ['There is no diagram to export yet.', '还没有可导出的时序图。'],
  svgNotImage: ['the SVG could not be loaded as an image', '无法把 SVG 加载为图像'],
  noCanvas: ['no 2D canvas', '无法创建 2D 画布'],
} satisfies Record<string, [string, string]>;

export type WebviewStringKey = keyof typeof strings;

/** Every key with its English and Chinese text (for the completeness test). */
export const WEBVIEW_STRINGS: Readonly<Record<WebviewStringKey, readonly [string, string]>> = strings;

export function ws(locale: Locale, key: WebviewStringKey, ...args: string[]): string {
  const s = strings[key];
  return (locale === 'zh-cn' ? s[1] : s[0]).replace(/\{(\d+)\}/g, (_m, i: string) => args[Number(i)] ?? '');
}

/** The `lang` attribute of the page for a locale. */
export function htmlLang(locale: Locale): string {
  return locale === 'zh-cn' ? 'zh-CN' : 'en';
}

/** The locale of a page from its `lang` attribute. */
export function localeOfLang(lang: string | null | undefined): Locale {
  return lang && /^zh/i.test(lang) ? 'zh-cn' : 'en';
}

/** Toolbar buttons: element id, then the keys of its tooltip and its accessible name. */
export const TOOLBAR_BUTTONS: readonly (readonly [string, WebviewStringKey, WebviewStringKey])[] = [
  ['zoom-out', 'zoomOutTitle', 'zoomOut'],
  ['zoom-reset', 'zoomResetTitle', 'zoomReset'],
  ['zoom-in', 'zoomInTitle', 'zoomIn'],
  ['zoom-fit', 'zoomFitTitle', 'zoomFit'],
];
