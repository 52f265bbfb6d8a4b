/** What the Map says about its points: which match a search, how many the lab has, how many a projection draws. */
import type { Results } from '$api/contract.ts';
import { formatCount, plural } from '../../lib/format.ts';

type Point = Results['projection']['points'][number];
type Counts = Pick<Results['info'], 'items' | 'captions'>;

/**
 * The indices of the points whose caption or label holds every word of `query` (case-insensitive), and of the
 * image points of the captions that hold them; null for an empty query.
 */
export function findPoints(points: readonly Point[], query: string): Set<number> | null {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const holds = (text: string | null | undefined) => !!text && words.every((w) => text.toLowerCase().includes(w));
  const found = new Set<number>();
  const items = new Set<number>();
  points.forEach((p, i) => {
    if (holds(p.text)) items.add(p.itemId);
    if (holds(p.label) || holds(p.text)) found.add(i);
  });
  points.forEach((p, i) => {
    if (p.kind === 'image' && items.has(p.itemId)) found.add(i);
  });
  return found;
}

/** The most image points a projection asks core for. */
function imageCap(modality: 'image' | 'both', limit: number): number {
  return modality === 'both' ? Math.ceil(limit / 2) : limit;
}

/** How many image and caption points a projection of the lab draws (as core samples them). */
export function expectedPoints(info: Counts, modality: 'image' | 'both', limit: number): number {
  const images = Math.min(info.items, imageCap(modality, limit));
  return modality === 'both' ? images + Math.min(info.captions, limit - images) : images;
}

/**
 * 'Showing 1,500 of 20,000 images and 1,500 of 40,000 captions (…)' with why the rest is not drawn, or null when
 * every image (and caption) of the lab is on the map.
 */
export function sampleNote(
  points: readonly Point[],
  info: Counts,
  modality: 'image' | 'both',
  limit: number,
): string | null {
  const images = points.filter((p) => p.kind === 'image').length;
  const captions = points.length - images;
  const cutImages = images < info.items;
  const cutCaptions = modality === 'both' && captions < info.captions;
  if (!cutImages && !cutCaptions) return null;
  const parts = [`${formatCount(images)} of ${plural(info.items, 'image')}`];
  if (modality === 'both') parts.push(`${formatCount(captions)} of ${plural(info.captions, 'caption')}`);
  // Fewer points than asked for: the model has no embedding of the others (they were imported after it).
  const sampled = images >= imageCap(modality, limit) || (modality === 'both' && points.length >= limit);
  const why = sampled ? 'a random sample: raise “At most” to see more' : 'the model has no embedding of the others';
  return `Showing ${parts.join(' and ')} (${why}).`;
}
