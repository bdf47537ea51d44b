// Grafana theme → the view's palette, so the panel follows the user's dark or light theme.
import type { GrafanaTheme2 } from '@grafana/data';
import { DARK, LIGHT, type Palette } from '../DoctorView/palette';

export function paletteFromTheme(theme: GrafanaTheme2): Palette {
  const c = (name: string) => theme.visualization.getColorByName(name);
  const dark = theme.isDark;
  return {
    mode: dark ? 'dark' : 'light',
    fontFamily: theme.typography.fontFamily,
    // Grafana draws the panel chrome; the view sits on it.
    background: 'transparent',
    surface: theme.colors.background.secondary,
    text: theme.colors.text.primary,
    muted: theme.colors.text.secondary,
    border: theme.colors.border.medium,
    grid: theme.colors.border.weak,
    lit: theme.colors.primary.text,
    litFill: theme.colors.primary.transparent,
    tone: {
      ok: theme.colors.success.text,
      warn: theme.colors.warning.text,
      bad: theme.colors.error.text,
      unknown: theme.colors.text.secondary,
    },
    // Fixed shades chosen for white text (contrast >= 4.5:1), the same in both themes and on the page.
    toneFill: dark ? DARK.toneFill : LIGHT.toneFill,
    onToneFill: '#ffffff',
    series: ['green', 'yellow', 'blue', 'orange', 'red', 'purple', 'super-light-blue', 'dark-purple'].map(c),
    limit: theme.colors.error.text,
    selection: theme.colors.primary.transparent,
  };
}
