// Colours the view draws with. The Grafana panel derives one from the Grafana theme; the embedded page
// uses these two. Verdict colours are solid fills with white text, so a wall screen reads the same in a
// dark and a light theme, and every state also has a word and a shape, never colour alone.

export type Tone = 'ok' | 'warn' | 'bad' | 'unknown';

export interface Palette {
  mode: 'dark' | 'light';
  fontFamily: string;
  background: string;
  surface: string;
  text: string;
  muted: string;
  border: string;
  grid: string;
  /** Lines and marks on the lit path. */
  lit: string;
  /** Fill behind a lit flowchart node. */
  litFill: string;
  /** Text and strokes for each tone on the background. */
  tone: Record<Tone, string>;
  /** Solid fills for the verdict banner and the verdict node (white text on them). */
  toneFill: Record<Tone, string>;
  onToneFill: string;
  /** Series colours, in order. */
  series: string[];
  /** The proxy_read_timeout limit line. */
  limit: string;
  selection: string;
}

const FONT = 'Inter, "Helvetica Neue", Arial, sans-serif';

export const DARK: Palette = {
  mode: 'dark',
  fontFamily: FONT,
  background: '#111217',
  surface: '#181b1f',
  text: '#ccccdc',
  muted: '#8e8ea8',
  border: '#34363d',
  grid: '#2a2c33',
  lit: '#6e9fff',
  litFill: 'rgba(110, 159, 255, 0.16)',
  tone: { ok: '#73bf69', warn: '#ff9830', bad: '#ff5f6d', unknown: '#8e8ea8' },
  toneFill: { ok: '#1b7a34', warn: '#b04e00', bad: '#c4162a', unknown: '#4a4d57' },
  onToneFill: '#ffffff',
  series: ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#705da0'],
  limit: '#ff5f6d',
  selection: 'rgba(110, 159, 255, 0.22)',
};

export const LIGHT: Palette = {
  mode: 'light',
  fontFamily: FONT,
  background: '#f4f5f5',
  surface: '#ffffff',
  text: '#24292e',
  muted: '#5b6169',
  border: '#c7d0d9',
  grid: '#e4e7ea',
  lit: '#1f60c4',
  litFill: 'rgba(31, 96, 196, 0.10)',
  tone: { ok: '#1a7f37', warn: '#a34700', bad: '#c4162a', unknown: '#5b6169' },
  toneFill: { ok: '#1b7a34', warn: '#b04e00', bad: '#c4162a', unknown: '#5b6169' },
  onToneFill: '#ffffff',
  series: ['#37872d', '#c79f00', '#1f60c4', '#e55400', '#c4162a', '#3274d9', '#8f3bb8', '#5a4a99'],
  limit: '#c4162a',
  selection: 'rgba(31, 96, 196, 0.16)',
};
