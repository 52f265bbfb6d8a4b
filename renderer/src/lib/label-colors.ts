import { PALETTE, paletteColor } from './canvas.ts';

/** Points and bars without a label. */
export const NO_LABEL_COLOR = '#9aa0a6';

/** A colour for a name outside the lab's labels (a typed zero-shot label): a hue of its own, the same every time. */
function hashedColor(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return paletteColor(PALETTE.length + (h % 1000));
}

/**
 * One colour per label name, the same in every view and whatever sample a view shows: the lab's labels, in
 * alphabetical order, take the palette in turn (so no two of them share a colour).
 */
export function labelPalette(labels: readonly string[]): (name: string | null | undefined) => string {
  const sorted = [...labels].sort((a, b) => a.localeCompare(b));
  const colors = new Map(sorted.map((name, i) => [name, paletteColor(i)]));
  return (name) => (name === null || name === undefined ? NO_LABEL_COLOR : (colors.get(name) ?? hashedColor(name)));
}
