// Shared inline-style pieces. Inline styles keep the view free of a CSS-in-JS runtime, so the embedded
// page bundles nothing but React and the view.
import type { CSSProperties } from 'react';
import type { Palette } from './palette';

export function card(p: Palette): CSSProperties {
  return {
    background: p.surface,
    border: `1px solid ${p.border}`,
    borderRadius: 6,
    padding: '10px 12px',
    boxSizing: 'border-box',
    minWidth: 0,
  };
}

export function heading(p: Palette, size = 14): CSSProperties {
  return { margin: '0 0 6px', fontSize: size, fontWeight: 600, color: p.text, lineHeight: 1.3 };
}

export function muted(p: Palette, size = 12): CSSProperties {
  return { color: p.muted, fontSize: size };
}

export function button(p: Palette): CSSProperties {
  return {
    font: 'inherit',
    fontSize: 13,
    color: p.text,
    background: 'transparent',
    border: `1px solid ${p.border}`,
    borderRadius: 4,
    padding: '3px 10px',
    cursor: 'pointer',
  };
}

export const GAP = 10;
