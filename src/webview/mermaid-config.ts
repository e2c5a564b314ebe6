/**
 * The Mermaid configuration the preview draws with, per theme. One plain object per theme, so
 * that the preview benchmark can give a bare `mermaid.render` in the same page exactly the same
 * configuration (its ratio then compares the same work).
 */
import type { ThemeKind } from '../core/render/preview';

export const PREVIEW_FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

/** The font size Mermaid's theme gives the diagram's text (its default, `16px`). */
export const PREVIEW_FONT_SIZE_PX = 16;

export interface PreviewMermaidConfig {
  startOnLoad: false;
  securityLevel: 'strict';
  fontFamily: string;
  sequence: { useMaxWidth: boolean; mirrorActors: boolean; noteMargin: number; messageMargin: number };
  theme: 'default' | 'dark' | 'base';
  themeVariables?: Record<string, string | boolean>;
}

export function mermaidConfig(theme: ThemeKind): PreviewMermaidConfig {
  const base = {
    startOnLoad: false as const,
    securityLevel: 'strict' as const,
    fontFamily: PREVIEW_FONT_FAMILY,
    sequence: { useMaxWidth: false, mirrorActors: true, noteMargin: 8, messageMargin: 30 },
  };
  switch (theme) {
    case 'light':
      return { ...base, theme: 'default' };
    case 'dark':
      return { ...base, theme: 'dark' };
    case 'high-contrast':
      return {
        ...base,
        theme: 'base',
        themeVariables: {
          darkMode: true,
          background: '#000000',
          primaryColor: '#000000',
          primaryTextColor: '#ffffff',
          primaryBorderColor: '#6fc3df',
          lineColor: '#ffffff',
          textColor: '#ffffff',
          noteBkgColor: '#1a1a1a',
          noteTextColor: '#ffffff',
          noteBorderColor: '#f38518',
          actorBkg: '#000000',
          actorBorder: '#6fc3df',
          actorTextColor: '#ffffff',
          actorLineColor: '#ffffff',
          signalColor: '#ffffff',
          signalTextColor: '#ffffff',
        },
      };
    case 'high-contrast-light':
      return {
        ...base,
        theme: 'base',
        themeVariables: {
          background: '#ffffff',
          primaryColor: '#ffffff',
          primaryTextColor: '#000000',
          primaryBorderColor: '#0f4a85',
          lineColor: '#000000',
          textColor: '#000000',
          noteBkgColor: '#ffffff',
          noteTextColor: '#000000',
          noteBorderColor: '#b5200d',
          actorBkg: '#ffffff',
          actorBorder: '#0f4a85',
          actorTextColor: '#000000',
          actorLineColor: '#000000',
          signalColor: '#000000',
          signalTextColor: '#000000',
        },
      };
  }
}
