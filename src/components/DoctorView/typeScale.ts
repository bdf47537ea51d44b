// Type sizes from the width the view has. A browser tab is read from half a metre, a 1920-wide NOC wall
// screen from three: the same view grows its text with its width, so the wall gets 18 px evidence and a
// verdict twice that size and more, while a panel in a dashboard keeps the compact sizes it always had.

export interface TypeScale {
  /** Evidence, fixes, table cells: what is read, not glanced at. */
  body: number;
  /** Secondary lines: captions, legends, sub-figures. */
  small: number;
  /** Card titles. */
  heading: number;
  /** Chart axis and limit labels. */
  axis: number;
  /** The verdict's cause name: the one thing that must carry across the room. */
  verdict: number;
}

/** `width`: the content width of the view in px. */
export function typeScale(width: number): TypeScale {
  const body = half(clamp(width / 104, 13, 19));
  return {
    body,
    small: half(clamp(body * 0.86, 11.5, 17)),
    heading: half(clamp(body * 1.1, 13, 21)),
    axis: half(clamp(body * 0.78, 10, 15)),
    verdict: Math.round(clamp(width / 32, 20, 60)),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** To the nearest half pixel: sizes that differ by a hair are the same size. */
function half(v: number): number {
  return Math.round(v * 2) / 2;
}
