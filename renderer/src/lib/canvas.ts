/** False where canvases cannot draw (jsdom in specs); plots then show only their data table. */
export function canDraw(): boolean {
  try {
    return !!document.createElement('canvas').getContext('2d');
  } catch {
    return false;
  }
}

/** Categorical colours (Tableau 10, then more) for series, labels and modalities. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1f77b4',
  '#17becf',
  '#bcbd22',
  '#8c564b',
  '#d62728',
  '#2ca02c',
];

export function paletteColor(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  // Beyond the palette: spread hues by the golden angle.
  return `hsl(${Math.round((i * 137.508) % 360)} 55% 52%)`;
}
