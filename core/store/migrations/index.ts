import { foundation } from './001-foundation.ts';
import { models } from './002-models.ts';
import { staleEmbeddings } from './003-stale-embeddings.ts';
import { features } from './004-features.ts';
import { captionSearch } from './005-caption-search.ts';
import { itemEdits } from './006-item-edits.ts';
import { curation } from './007-curation.ts';
import { watchedFolders } from './008-watched-folders.ts';
import { scaleIndexes } from './009-scale-indexes.ts';
import { libraryText } from './010-library-text.ts';

/**
 * Schema migrations, applied in order; the lab's PRAGMA user_version is the number applied.
 * Never edit a released migration: append a new one.
 */
export const migrations: readonly string[] = [
  foundation,
  models,
  staleEmbeddings,
  features,
  captionSearch,
  itemEdits,
  curation,
  watchedFolders,
  scaleIndexes,
  libraryText,
];
