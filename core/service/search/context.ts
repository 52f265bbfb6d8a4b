import type { Lab } from '../../store/lab.ts';
import { GalleryCache } from './gallery.ts';
import { QueryEncoder } from './query.ts';

/** What every search, classification and evaluation over one lab shares: its model cache and query encoder. */
export interface SearchContext {
  lab: Lab;
  cache: GalleryCache;
  encoder: QueryEncoder;
}

export interface SearchContextOptions {
  /** Image terms of query expressions may name files on disk (the CLI), not only lab items. */
  allowFiles?: boolean;
  /** Galleries with at least this many rows use the persisted ANN index (default ANN_MIN_ROWS). */
  annThreshold?: number;
}

export function createSearchContext(lab: Lab, options: SearchContextOptions = {}): SearchContext {
  const cache = new GalleryCache(lab, options.annThreshold);
  return { lab, cache, encoder: new QueryEncoder(cache, options.allowFiles) };
}
